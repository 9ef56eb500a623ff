// What the Electron preload exposes as `window.proclab`, and what the WebSocket client implements
// too, so the renderer never knows which transport it has.
import type { EventFrame, Request, Response } from './contract'

export interface ProclabBridge {
  /** Sends one command. Resolves with the host's response; a failed command is `ok: false`, not a rejection. */
  request(request: Request): Promise<Response>
  /** Subscribes to event frames; returns the function that unsubscribes. */
  onFrame(listener: (frame: EventFrame) => void): () => void
}

/** The name under which the preload exposes the bridge on `window`. */
export const BRIDGE_KEY = 'proclab'
