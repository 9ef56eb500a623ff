// The key of `proclab serve`: it prints a URL with `?token=…`, the page reads it once, keeps it for
// this tab in sessionStorage (a reload of the tab finds it there; other tabs and sites do not) and
// takes it out of the address bar and the history entry, where a screenshot, a shared screen, a
// bookmark or the history list would show it. The running page keeps it in memory.

const STORAGE_KEY = 'proclab.token'
const PARAM = 'token'

let token: string | null = null

/** The token this page talks to the host with ('' when it has none: the server then refuses). */
export function pageToken(): string {
  token ??= takeToken(window.location, window.history, () => window.sessionStorage)
  return token
}

/**
 * Reads the token from the URL, else from the tab's storage; when it came in the URL and could be
 * stored, the URL loses it (replaceState: no new history entry, the current one rewritten).
 * Where storage is refused, the URL keeps the token: a reload must still connect.
 */
export function takeToken(location: Location, history: History, storage: () => Storage): string {
  const url = new URL(location.href)
  const fromUrl = url.searchParams.get(PARAM)
  if (fromUrl === null) return readStored(storage) ?? ''
  try {
    storage().setItem(STORAGE_KEY, fromUrl)
  } catch {
    return fromUrl
  }
  url.searchParams.delete(PARAM)
  history.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`)
  return fromUrl
}

function readStored(storage: () => Storage): string | null {
  try {
    return storage().getItem(STORAGE_KEY)
  } catch {
    return null
  }
}
