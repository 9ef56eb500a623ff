import type { ProclabBridge } from '../../../src-shared/bridge'

export type ConnectionState = 'connecting' | 'connected' | 'disconnected'

export interface ConnectionStatus {
  state: ConnectionState
  /** Why we are not connected (shown to the user), or null. */
  detail: string | null
  /** Reconnect attempts since the link was last up. */
  attempts: number
}

/**
 * The bridge contract plus what a UI needs to show about the link itself. The Electron bridge is
 * always "connected"; the WebSocket one can drop and come back.
 */
export interface Transport extends ProclabBridge {
  readonly kind: 'electron' | 'websocket'
  readonly status: ConnectionStatus
  /** Called on every status change, and once right away with the current status. */
  onStatus(listener: (status: ConnectionStatus) => void): () => void
}
