// The connected UIs. Requests take turns between connections (fair-queue.ts); frames are serialised
// once and fanned out; a client that stops reading is dropped with a close reason rather than
// allowed to grow the server's memory without bound.
import WebSocket from 'ws'
import type { EventFrame, ServerMessage } from '../../src-shared/contract'
import type { Host } from '../host/types'
import { FairQueue, type FairQueueLimits, type Lane } from './fair-queue'
import { busyResponse, decodeMessage, responseMessage } from './protocol'
import { SharedReads, shareKeyOf } from './shared-reads'

/** Commands that wait for something to happen rather than work: they take a wait slot (fair-queue.ts). */
const WAITING_COMMANDS: ReadonlySet<unknown> = new Set(['process.join'])

export interface ClientLimits extends FairQueueLimits {
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
  /** Past this many bytes unsent, a connection's queued requests wait until it reads (fair-queue.ts). */
  outputBacklogBytes: number
  /**
   * How long a dropped client has to read what was queued for it up to the close frame that says
   * why, before its socket is cut (and it sees only 1006).
   */
  dropGraceMs: number
}

/** Application close code (4000–4999): the client fell behind the event stream. */
export const CLOSE_TOO_SLOW = 4008
const GOING_AWAY = 1001

export class ClientSet {
  private readonly clients = new Set<WebSocket>()
  private readonly behindSince = new WeakMap<WebSocket, number>()
  private readonly lanes = new WeakMap<WebSocket, Lane>()
  private readonly stopFrames: () => void
  private readonly queue: FairQueue
  private readonly reads: SharedReads

  constructor(
    host: Host,
    private readonly limits: ClientLimits,
  ) {
    this.stopFrames = host.onFrame((frame) => this.broadcast(frame))
    this.queue = new FairQueue(limits)
    this.reads = new SharedReads(host)
  }

  get size(): number {
    return this.clients.size
  }

  get full(): boolean {
    return this.clients.size >= this.limits.maxClients
  }

  add(ws: WebSocket): void {
    this.clients.add(ws)
    const lane = this.queue.open({
      pause: () => ws.pause(),
      resume: () => ws.resume(),
      behindOnOutput: () => ws.bufferedAmount > this.limits.outputBacklogBytes,
    })
    this.lanes.set(ws, lane)
    ws.on('message', (data, isBinary) => this.onMessage(ws, lane, toBuffer(data), isBinary))
    const gone = () => {
      this.clients.delete(ws)
      this.queue.close(lane)
    }
    // ws reports protocol violations (e.g. a frame over maxPayload) here and closes the socket
    // itself; without a listener the error would be thrown and take the whole server down.
    ws.on('error', gone)
    ws.on('close', gone)
  }

  /** Answers at once what needs no host (malformed, too big, shed); queues the rest for its turn. */
  private onMessage(ws: WebSocket, lane: Lane, data: Buffer, isBinary: boolean): void {
    const decoded = decodeMessage({ data, isBinary }, this.limits.maxMessageBytes)
    if (!decoded.ok) return this.send(ws, responseMessage(decoded.response))
    const { id, request } = decoded
    const shareKey = shareKeyOf(id, request, data.byteLength)
    const job = {
      bytes: data.byteLength,
      waits: WAITING_COMMANDS.has((request as { cmd?: unknown } | null)?.cmd),
      shareKey,
      run: async () => {
        // A connection whose close frame came is closing: no answer can reach it any more, so what it
        // queued is dropped as for a closed one ('close' comes only once its socket has closed too,
        // which a client may delay; on Windows it often comes after the client's own 'close').
        if (ws.readyState !== WebSocket.OPEN) return
        let text: string
        try {
          text = await this.reads.reply(id, request, shareKey)
        } catch (error) {
          text = responseMessage({ id, ok: false, error: { code: 'internal', message: error instanceof Error ? error.message : String(error) } })
        }
        this.send(ws, text)
      },
    }
    if (!this.queue.submit(lane, job)) this.send(ws, responseMessage(busyResponse(id)))
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
    ws.send(text, () => this.sent(ws))
  }

  /** Some output reached the OS: a connection held back for its unsent answers may get work again. */
  private sent(ws: WebSocket): void {
    const lane = this.lanes.get(ws)
    if (lane && ws.bufferedAmount <= this.limits.outputBacklogBytes) this.queue.wake(lane)
  }

  private drop(ws: WebSocket, code: number, reason: string): void {
    this.clients.delete(ws)
    ws.close(code, reason)
    // The close frame queues behind everything the client has not read: give a client that is
    // merely slow time to read it and learn why, but do not hold the buffer forever.
    setTimeout(() => ws.terminate(), this.limits.dropGraceMs).unref()
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
