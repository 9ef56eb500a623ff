// Decisions of the Electron shell that do not need Electron, kept apart so they can be tested
// without the binary. No electron import here.
import { clientRequestId, type Response } from '../../src-shared/contract'
import type { Host } from '../host/types'

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

/** What the shell can tell about the frame an IPC message came from. */
export interface IpcSender {
  /** The message came from the webContents of ProcLab's window. */
  fromOurWindow: boolean
  isMainFrame: boolean
  /** The frame's URL, or null when the frame is gone (navigated away, destroyed). */
  url: string | null
}

/** Why an IPC message is not trusted, or null when it comes from our page's main frame. */
export function senderProblem(sender: IpcSender, appIndexUrl: string): string | null {
  if (!sender.fromOurWindow) return 'not from the ProcLab window'
  if (sender.url === null) return 'the sending frame is gone'
  if (!sender.isMainFrame) return 'not from the main frame'
  if (!isAppUrl(sender.url, appIndexUrl)) return `from a foreign page (${sender.url.slice(0, 200)})`
  return null
}

export function refusedResponse(raw: unknown, why: string): Response {
  return { id: clientRequestId(raw) ?? -1, ok: false, error: { code: 'refused', message: `Request refused: ${why}` } }
}

/**
 * The ipcMain request handler's whole decision, without Electron (ipc.ts only describes the sender):
 * a message from anything but our page's main frame is refused; the rest goes to the host, which
 * checks it against the contract's schemas, as for the WebSocket. Whatever the renderer sends (any
 * structured-cloneable value), the answer is a well-formed Response; it never rejects.
 */
export async function answerIpcRequest(host: Pick<Host, 'handle'>, sender: IpcSender, raw: unknown, appIndexUrl: string, onRefused: (why: string) => void = () => {}): Promise<Response> {
  const problem = senderProblem(sender, appIndexUrl)
  if (problem) {
    onRefused(problem)
    return refusedResponse(raw, problem)
  }
  try {
    return await host.handle(raw)
  } catch (error) {
    // The host promises never to throw; if it ever does, the renderer still gets its answer.
    return { id: clientRequestId(raw) ?? -1, ok: false, error: { code: 'internal', message: error instanceof Error ? error.message : String(error) } }
  }
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

