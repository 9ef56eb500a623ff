// Runs sandboxed before the page: exposes exactly the ProclabBridge and nothing more. The page
// never sees ipcRenderer or an IPC event object, only plain requests, responses and frames.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import type { EventFrame, Request, Response } from '../src-shared/contract'
import { BRIDGE_KEY, type ProclabBridge } from '../src-shared/bridge'

// The same strings as src-main/electron/channels.ts; this bundle imports nothing from the main side.
const REQUEST_CHANNEL = 'proclab:request'
const FRAME_CHANNEL = 'proclab:frame'

const bridge: ProclabBridge = {
  request(request: Request): Promise<Response> {
    return ipcRenderer.invoke(REQUEST_CHANNEL, request) as Promise<Response>
  },
  onFrame(listener: (frame: EventFrame) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('onFrame needs a function')
    const relay = (_event: IpcRendererEvent, frame: EventFrame) => listener(frame)
    ipcRenderer.on(FRAME_CHANNEL, relay)
    return () => {
      ipcRenderer.removeListener(FRAME_CHANNEL, relay)
    }
  },
}

contextBridge.exposeInMainWorld(BRIDGE_KEY, bridge)
