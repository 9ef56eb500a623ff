// Decisions of the Electron shell that do not need Electron, kept apart so they can be tested
// without the binary. No electron import here.
import type { Response } from '../../src-shared/contract'

/** The renderer's own page: the same file URL, whatever the in-page route (#...) or query. */
export function isAppUrl(url: string, appIndexUrl: string): boolean {
  let given: URL
  let expected: URL
  try {
    given = new URL(url)
    expected = new URL(appIndexUrl)
  } catch {
    return false
  }
  return given.protocol === 'file:' && expected.protocol === 'file:' && given.host === expected.host && given.pathname === expected.pathname
}

/** Why an IPC message is not trusted, or null when it comes from our page's main frame. */
export function senderProblem(
  sender: { isMainFrame: boolean; url: string | null; fromOurWindow: boolean },
  appIndexUrl: string,
): string | null {
  if (!sender.fromOurWindow) return 'not from the ProcLab window'
  if (sender.url === null) return 'the sending frame is gone'
  if (!sender.isMainFrame) return 'not from the main frame'
  if (!isAppUrl(sender.url, appIndexUrl)) return `from a foreign page (${sender.url.slice(0, 200)})`
  return null
}

export function refusedResponse(raw: unknown, why: string): Response {
  const id = typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'number' ? (raw as { id: number }).id : -1
  return { id, ok: false, error: { code: 'refused', message: `Request refused: ${why}` } }
}

/** Resolves with the work's result, or with `fallback` once `ms` have passed, whichever is first. */
export function withDeadline<T>(work: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms)
    timer.unref?.()
    work.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      () => {
        clearTimeout(timer)
        resolve(fallback)
      },
    )
  })
}
