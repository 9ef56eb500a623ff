// Electron IPC, the first of the two thin transports over the host: commands by invoke/handle,
// event frames pushed with webContents.send. Only our own page's main frame may talk to the host.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import type { Response } from '../../src-shared/contract'
import type { Host } from '../host/types'
import { FRAME_CHANNEL, REQUEST_CHANNEL } from './channels'
import { refusedResponse, senderProblem } from './guards'
import { log } from './log'

export function serveRequests(host: Host, getWindow: () => BrowserWindow | null, appIndexUrl: string): () => void {
  ipcMain.handle(REQUEST_CHANNEL, async (event: IpcMainInvokeEvent, raw: unknown): Promise<Response> => {
    const window = getWindow()
    const frame = event.senderFrame
    const problem = senderProblem(
      {
        fromOurWindow: window !== null && !window.isDestroyed() && event.sender.id === window.webContents.id,
        isMainFrame: frame !== null && frame.parent === null,
        url: frame?.url ?? null,
      },
      appIndexUrl,
    )
    if (problem) {
      log.warn(`refused IPC request: ${problem}`)
      return refusedResponse(raw, problem)
    }
    // The host validates the payload against the same schema the WebSocket transport uses.
    return host.handle(raw)
  })
  return () => ipcMain.removeHandler(REQUEST_CHANNEL)
}

/** Frames are already coalesced by the host (≤ 60 a second); this only delivers them. */
export function forwardFrames(host: Host, window: BrowserWindow): () => void {
  const stop = host.onFrame((frame) => {
    if (window.isDestroyed() || window.webContents.isDestroyed()) return
    window.webContents.send(FRAME_CHANNEL, frame)
  })
  window.once('closed', stop)
  return stop
}
