import type { ProclabBridge } from '../../../src-shared/bridge'
import type { ConnectionStatus, Transport } from './types'

/** Wraps the preload's `window.proclab`: an in-process IPC link that cannot drop while the window lives. */
export function createElectronTransport(bridge: ProclabBridge): Transport {
  const status: ConnectionStatus = { state: 'connected', detail: null, attempts: 0 }
  return {
    kind: 'electron',
    status,
    request: (request) => bridge.request(request),
    onFrame: (listener) => bridge.onFrame(listener),
    onStatus(listener) {
      listener(status)
      return () => {}
    },
  }
}
