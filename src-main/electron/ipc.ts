// Electron IPC, the first of the two thin transports over the host: commands by invoke/handle,
// event frames pushed with webContents.send. Only our own page's main frame may talk to the host:
// the decision is answerIpcRequest's (guards.ts, testable without Electron); this file only wires it.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import type { Response } from '../../src-shared/contract'
import type { Host } from '../host/types'
import { FRAME_CHANNEL, REQUEST_CHANNEL } from './channels'
import { answerIpcRequest, type IpcSender } from './guards'
import { log } from './log'

export function serveRequests(host: Host, getWindow: () => BrowserWindow | null, appIndexUrl: string): () => void {
  ipcMain.handle(REQUEST_CHANNEL, (event: IpcMainInvokeEvent, raw: unknown): Promise<Response> =>
    answerIpcRequest(host, describeSender(event, getWindow()), raw, appIndexUrl, (problem) => log.warn(`refused IPC request: ${problem}`)),
  )
  return () => ipcMain.removeHandler(REQUEST_CHANNEL)
}

function describeSender(event: IpcMainInvokeEvent, window: BrowserWindow | null): IpcSender {
  const fromOurWindow = window !== null && !window.isDestroyed() && event.sender.id === window.webContents.id
  try {
    const frame = event.senderFrame
    return { fromOurWindow, isMainFrame: frame !== null && frame.parent === null, url: frame?.url ?? null }
  } catch {
    // Reading a frame that was disposed meanwhile can throw: it is gone, and refused as such.
    return { fromOurWindow, isMainFrame: false, url: null }
  }
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
