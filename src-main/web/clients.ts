// The connected UIs. Frames are serialised once and fanned out; a client that stops reading is
// dropped with a close reason rather than allowed to grow the server's memory without bound.
import WebSocket from 'ws'
import type { EventFrame, Response, ServerMessage } from '../../src-shared/contract'
import type { Host } from '../host/types'
import { answer } from './protocol'

export interface ClientLimits {
  /** Messages above this get a 'bad-request' response; the connection stays open. */
  maxMessageBytes: number
  /** Past this many unsent bytes the client is dropped at once: the bound on memory per client. */
  maxBufferedBytes: number
  /**
   * A client with over a quarter of maxBufferedBytes unsent for this long is dropped too: it has
   * stopped reading, and waiting for the hard bound would only hold more memory for longer.
   */
  maxStallMs: number
  /** Connections beyond this are refused at the handshake. */
  maxClients: number
}

/** Application close code (4000–4999): the client fell behind the event stream. */
export const CLOSE_TOO_SLOW = 4008
const GOING_AWAY = 1001

export class ClientSet {
  private readonly clients = new Set<WebSocket>()
  private readonly behindSince = new WeakMap<WebSocket, number>()
  private readonly stopFrames: () => void

  constructor(
    private readonly host: Host,
    private readonly limits: ClientLimits,
  ) {
    this.stopFrames = host.onFrame((frame) => this.broadcast(frame))
  }

  get size(): number {
    return this.clients.size
  }

  get full(): boolean {
    return this.clients.size >= this.limits.maxClients
  }

  add(ws: WebSocket): void {
    this.clients.add(ws)
    ws.on('message', (data, isBinary) => {
      void this.onMessage(ws, toBuffer(data), isBinary)
    })
    // ws reports protocol violations (e.g. a frame over maxPayload) here and closes the socket
    // itself; without a listener the error would be thrown and take the whole server down.
    ws.on('error', () => this.clients.delete(ws))
    ws.on('close', () => this.clients.delete(ws))
  }

  private async onMessage(ws: WebSocket, data: Buffer, isBinary: boolean): Promise<void> {
    const response: Response = await answer(this.host, { data, isBinary }, this.limits.maxMessageBytes)
    const message: ServerMessage = { type: 'response', ...response }
    this.send(ws, JSON.stringify(message))
  }

  private broadcast(frame: EventFrame): void {
    if (this.clients.size === 0) return
    const message: ServerMessage = { type: 'events', events: frame.events }
    const text = JSON.stringify(message)
    for (const ws of this.clients) this.send(ws, text)
  }

  private send(ws: WebSocket, text: string): void {
    if (ws.readyState !== WebSocket.OPEN) return
    const unsent = ws.bufferedAmount
    if (unsent > this.limits.maxBufferedBytes) {
      return this.drop(ws, CLOSE_TOO_SLOW, `ProcLab: client too slow, over ${this.limits.maxBufferedBytes} bytes unsent`)
    }
    // A burst (a run printing megabytes at once) may fill the buffer for a moment; only a buffer
    // that stays full means the client has stopped reading.
    if (unsent > this.limits.maxBufferedBytes / 4) {
      const since = this.behindSince.get(ws) ?? Date.now()
      this.behindSince.set(ws, since)
      if (Date.now() - since > this.limits.maxStallMs) {
        return this.drop(ws, CLOSE_TOO_SLOW, `ProcLab: client too slow, not reading for ${this.limits.maxStallMs} ms`)
      }
    } else {
      this.behindSince.delete(ws)
    }
    ws.send(text)
  }

  private drop(ws: WebSocket, code: number, reason: string): void {
    this.clients.delete(ws)
    ws.close(code, reason)
    // The close frame queues behind everything the client has not read: give a client that is
    // merely slow time to read it and learn why, but do not hold the buffer forever.
    setTimeout(() => ws.terminate(), 5000).unref()
  }

  /** Closes every connection and stops listening to the host; the host itself stays up. */
  async closeAll(): Promise<void> {
    this.stopFrames()
    const closing = [...this.clients].map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve()
          const timer = setTimeout(() => {
            ws.terminate()
            resolve()
          }, 500)
          ws.once('close', () => {
            clearTimeout(timer)
            resolve()
          })
          ws.close(GOING_AWAY, 'ProcLab server shutting down')
        }),
    )
    this.clients.clear()
    await Promise.all(closing)
  }
}

function toBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data
  if (Array.isArray(data)) return Buffer.concat(data)
  return Buffer.from(data)
}
