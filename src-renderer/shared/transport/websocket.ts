import type { EventFrame, Request, Response, ServerMessage } from '../../../src-shared/contract'
import type { ConnectionStatus, Transport } from './types'

const FIRST_RETRY_MS = 500
const MAX_RETRY_MS = 5_000

interface Pending {
  resolve: (response: Response) => void
  reject: (error: Error) => void
}

/**
 * The browser side of `proclab serve`: commands go up as `Request` JSON, responses and event
 * frames come down as `ServerMessage` JSON. When the socket drops, pending commands fail at once
 * (the host may never answer them) and we keep reconnecting with a growing delay.
 */
export class WebSocketTransport implements Transport {
  readonly kind = 'websocket'
  status: ConnectionStatus = { state: 'connecting', detail: null, attempts: 0 }

  private socket: WebSocket | null = null
  private readonly pending = new Map<number, Pending>()
  private readonly frameListeners = new Set<(frame: EventFrame) => void>()
  private readonly statusListeners = new Set<(status: ConnectionStatus) => void>()
  private retryTimer: ReturnType<typeof setTimeout> | null = null

  constructor(private readonly url: string) {
    this.open()
  }

  request(request: Request): Promise<Response> {
    const socket = this.socket
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new Error('Not connected to the ProcLab host.'))
    }
    return new Promise<Response>((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject })
      socket.send(JSON.stringify(request))
    })
  }

  onFrame(listener: (frame: EventFrame) => void): () => void {
    this.frameListeners.add(listener)
    return () => this.frameListeners.delete(listener)
  }

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    this.statusListeners.add(listener)
    listener(this.status)
    return () => this.statusListeners.delete(listener)
  }

  private open(): void {
    let socket: WebSocket
    try {
      socket = new WebSocket(this.url)
    } catch (error) {
      this.dropped(error instanceof Error ? error.message : String(error))
      return
    }
    this.socket = socket
    socket.addEventListener('open', () => {
      this.setStatus({ state: 'connected', detail: null, attempts: 0 })
    })
    socket.addEventListener('message', (event: MessageEvent) => {
      if (typeof event.data === 'string') this.receive(event.data)
    })
    // 'error' is always followed by 'close', so all the recovery lives there.
    socket.addEventListener('close', (event: CloseEvent) => {
      if (this.socket !== socket) return
      this.socket = null
      const reason = event.reason || (event.code === 1006 ? 'the connection was lost' : `closed (code ${event.code})`)
      this.dropped(reason)
    })
  }

  private receive(text: string): void {
    let message: ServerMessage
    try {
      message = JSON.parse(text) as ServerMessage
    } catch {
      console.warn('ProcLab: ignored a message that is not JSON')
      return
    }
    if (message.type === 'events') {
      for (const listener of this.frameListeners) listener(message)
      return
    }
    if (message.type === 'response') {
      const waiting = this.pending.get(message.id)
      if (!waiting) return
      this.pending.delete(message.id)
      const { type: _type, ...response } = message
      waiting.resolve(response as Response)
    }
  }

  private dropped(reason: string): void {
    for (const waiting of this.pending.values()) {
      waiting.reject(new Error(`Lost the connection to the ProcLab host (${reason}).`))
    }
    this.pending.clear()
    const attempts = this.status.attempts + 1
    this.setStatus({ state: 'disconnected', detail: reason, attempts })
    const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(attempts - 1, 4))
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      this.setStatus({ ...this.status, state: 'connecting' })
      this.open()
    }, delay)
  }

  private setStatus(status: ConnectionStatus): void {
    this.status = status
    for (const listener of this.statusListeners) listener(status)
  }
}

/** `ws(s)://<this host>/ws?token=<token>`: the server put the token in the URL it printed (see token.ts). */
export function webSocketUrlFor(location: Location, token: string): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
  return `${scheme}://${location.host}/ws?token=${encodeURIComponent(token)}`
}
