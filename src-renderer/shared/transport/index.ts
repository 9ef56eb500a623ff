import type { ProclabBridge } from '../../../src-shared/bridge'
import { BRIDGE_KEY } from '../../../src-shared/bridge'
import type { CommandArgs, CommandName, CommandResults, ErrorCode, Request } from '../../../src-shared/contract'
import { createElectronTransport } from './electron'
import { pageToken } from './token'
import type { Transport } from './types'
import { WebSocketTransport, webSocketUrlFor } from './websocket'

export type { ConnectionState, ConnectionStatus, Transport } from './types'
export { pageToken } from './token'

/** A command the host answered with `ok: false`; `message` is the host's own words. */
export class HostError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'HostError'
  }
}

let transport: Transport | null = null
let nextId = 1

/** The one link to the host: the Electron preload's bridge when there is one, else a WebSocket back to `proclab serve`. */
export function getTransport(): Transport {
  if (!transport) {
    const bridge = (window as unknown as Record<string, ProclabBridge | undefined>)[BRIDGE_KEY]
    transport = bridge ? createElectronTransport(bridge) : new WebSocketTransport(webSocketUrlFor(window.location, pageToken()))
  }
  return transport
}

/** Sends one command and returns its typed result; throws a HostError (or a link Error) otherwise. */
export async function call<K extends CommandName>(cmd: K, args: CommandArgs<K>): Promise<CommandResults[K]> {
  const request = { id: nextId++, cmd, args } as Request
  const response = await getTransport().request(request)
  if (!response.ok) throw new HostError(response.error.code, response.error.message)
  return response.value as CommandResults[K]
}

/** A message fit for the user from anything a command can throw. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}
