// The host's end of the lab sockets. Each connection opens with one frame saying what it is — a
// lab process's control channel, its down channel, or the stdout/stderr of one lab process (then
// raw bytes) — and carrying that process's token. Nothing a connection sends can end the host:
// until it is admitted it may send one small frame, every message after that is checked against
// its op before it is handled, and a throw while handling one is reported and ends that connection.
import { createServer, type Server, type Socket } from 'node:net'
import type { DownMessage, Opening, UpMessage } from '../protocol'
import { ANY_FRAME, BatchedSender, FrameDecoder, MAX_FRAME } from '../wire'
import { platform, type BrokerAddress } from '../../platform'
import { checkOpening, upMessageProblem } from './guards'

export interface ControlConnection {
  readonly lid: string
  readonly pid: number
  send(message: DownMessage): void
  /** Ends the connection; the lab process then ends itself. */
  destroy(): void
}

export interface ControlSession {
  /** Handles one message that passed its op's check. May throw: the broker catches it. */
  message(message: UpMessage): void
  closed(): void
}

export interface BrokerHandlers {
  /** Null if this opening may go on (its token is its lab process's, and that process may open it now); else why not ('': close it, report nothing). */
  admit(opening: Opening): string | null
  control(connection: ControlConnection): ControlSession
  stdio(lid: string, stream: 'stdout' | 'stderr', socket: Socket, firstBytes: Buffer): void
  /** Something a connection sent was refused: to report (lab.error). `lid` is null before a connection is admitted. */
  refused(reason: string, lid: string | null): void
}

/** The largest frame before a connection is admitted: an opening takes about 200 bytes. */
export const OPENING_FRAME_LIMIT = 16 * 1024
/**
 * Connections not yet admitted; past this, the oldest is dropped (a lab process sends its opening
 * at once, or, for the output sockets of a child being started, after one round trip for the
 * grant, so it is never the oldest for long). Above the listen backlog (511), which is how many
 * a burst of starts can make the broker accept before it reads any of them.
 */
export const MAX_UNADMITTED = 1024
/** Malformed messages one admitted connection may send before it is ended. */
export const MAX_REFUSED_MESSAGES = 20
/** Refusals of connections that were never admitted are reported at most this often (the rest counted). */
const STRANGER_REPORT_INTERVAL_MS = 1000

/**
 * Where the broker writes to one lab process: its down socket, which may connect a moment after
 * its up socket; what is sent before then waits.
 */
class Downlink {
  private sender: BatchedSender | null = null
  private socket: Socket | null = null
  private queued: unknown[] = []

  /** False if this process already has a down socket. */
  attach(socket: Socket): boolean {
    if (this.socket) return false
    this.socket = socket
    // The host's frames are trusted by its lab processes, which take any size.
    this.sender = new BatchedSender(socket, 'microtask', ANY_FRAME)
    for (const message of this.queued) this.sender.send(message)
    this.queued = []
    return true
  }

  send(message: unknown): void {
    if (this.sender) this.sender.send(message)
    else this.queued.push(message)
  }

  destroy(): void {
    this.socket?.destroy()
    this.queued = []
  }
}

let messagesHandled = 0

/**
 * Messages from lab processes that every broker of this host has handled so far (tests check
 * with it that a fast path sends none per operation). One addition per message: nothing to see.
 */
export function brokerMessagesHandled(): number {
  return messagesHandled
}

export class Broker {
  private readonly sockets = new Set<Socket>()
  /** In the order they connected: the first is the oldest. */
  private readonly unadmitted = new Set<Socket>()
  private readonly downlinks = new Map<string, Downlink>()
  /** Refusals of strangers since the last report, while reports wait (see refuseStranger). */
  private strangers: { count: number; last: string; timer: NodeJS.Timeout } | null = null

  private constructor(
    private readonly server: Server,
    private readonly address: BrokerAddress,
    private readonly handlers: BrokerHandlers,
  ) {}

  get path(): string {
    return this.address.path
  }

  static async listen(handlers: BrokerHandlers): Promise<Broker> {
    const address = await platform.lab.broker.address()
    const server = createServer()
    const broker = new Broker(server, address, handlers)
    server.on('connection', (socket) => broker.accept(socket))
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        // readableAll/writableAll stay off: on Windows they would open the pipe to every user.
        server.listen({ path: address.path, readableAll: false, writableAll: false }, () => resolve())
      })
    } catch (error) {
      platform.lab.broker.release(address)
      throw error
    }
    platform.lab.broker.listening(address)
    return broker
  }

  async close(): Promise<void> {
    if (this.strangers) clearTimeout(this.strangers.timer)
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
    platform.lab.broker.release(this.address)
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket)
    this.unadmitted.add(socket)
    if (this.unadmitted.size > MAX_UNADMITTED) this.dropOldestUnadmitted()
    socket.on('close', () => {
      this.sockets.delete(socket)
      this.unadmitted.delete(socket)
    })
    socket.on('error', () => socket.destroy())
    const decoder = new FrameDecoder(OPENING_FRAME_LIMIT)
    const onOpening = (chunk: Buffer): void => {
      let frame: unknown[] | undefined
      try {
        frame = decoder.push(chunk, 1)[0]
      } catch (error) {
        return this.refuseStranger(socket, `a connection to the lab socket sent ${describeError(error)}`)
      }
      if (!frame) return
      socket.off('data', onOpening)
      this.unadmitted.delete(socket)
      this.open(socket, frame, decoder)
    }
    socket.on('data', onOpening)
  }

  private open(socket: Socket, frame: unknown[], decoder: FrameDecoder): void {
    const opening = frame.length === 1 ? checkOpening(frame[0]) : `an opening frame with ${frame.length} messages (it must hold one)`
    if (typeof opening === 'string') return this.refuseStranger(socket, `a connection to the lab socket was refused: ${opening}`)
    const refusal = this.handlers.admit(opening)
    if (refusal === '') return void socket.destroy()
    if (refusal !== null) return this.refuseStranger(socket, refusal)
    if (opening.op === 'stdio') {
      this.handlers.stdio(opening.lid, opening.stream, socket, decoder.takeRest())
    } else if (opening.op === 'down') {
      if (!this.downlink(opening.lid).attach(socket)) return this.refuseStranger(socket, `a second down connection for lab process ${opening.lid} was refused`)
      // Nothing is read from a down socket after its opening: whatever comes is dropped.
      socket.on('data', () => undefined)
    } else {
      this.serveControl(socket, opening, decoder)
    }
  }

  private serveControl(socket: Socket, opening: Extract<Opening, { op: 'control' }>, decoder: FrameDecoder): void {
    const { lid } = opening
    const downlink = this.downlink(lid)
    const connection: ControlConnection = {
      lid,
      pid: opening.pid,
      send: (message) => downlink.send(message),
      destroy: () => {
        socket.destroy()
        downlink.destroy()
      },
    }
    const session = this.handlers.control(connection)
    let refusals = 0
    const handle = (frames: unknown[][]): void => {
      for (const frame of frames) {
        for (const message of frame) {
          if (socket.destroyed) return
          const problem = upMessageProblem(message)
          if (problem !== null) {
            this.handlers.refused(`lab process ${lid}: refused a message: ${problem}`, lid)
            if (++refusals >= MAX_REFUSED_MESSAGES) this.end(connection, lid, `it sent ${refusals} malformed messages`)
            continue
          }
          messagesHandled++
          try {
            session.message(message as UpMessage)
          } catch (error) {
            return this.end(connection, lid, `handling its '${(message as UpMessage).op}' message failed: ${describeError(error)}`)
          }
        }
      }
    }
    const read = (chunk: Buffer): void => {
      let frames: unknown[][]
      try {
        frames = decoder.push(chunk)
      } catch (error) {
        return this.end(connection, lid, `it sent ${describeError(error)}`)
      }
      handle(frames)
    }
    decoder.limit = MAX_FRAME
    // Whatever came with the opening is handled as if it came after it.
    read(Buffer.alloc(0))
    socket.on('data', read)
    // The up socket ends only after everything the process wrote has been read: it is gone.
    socket.on('close', () => {
      downlink.destroy()
      this.downlinks.delete(lid)
      try {
        session.closed()
      } catch (error) {
        this.handlers.refused(`lab process ${lid}: cleaning up after it failed: ${describeError(error)}`, lid)
      }
    })
  }

  private end(connection: ControlConnection, lid: string, why: string): void {
    this.handlers.refused(`lab process ${lid}: its connection to the host was ended: ${why}`, lid)
    connection.destroy()
  }

  /**
   * Closes a connection that was never admitted and reports it: the first at once, those that
   * follow within a second together, at the end of that second (a flood makes one report a second).
   */
  private refuseStranger(socket: Socket, reason: string): void {
    socket.destroy()
    if (this.strangers) {
      this.strangers.count++
      this.strangers.last = reason
      return
    }
    this.handlers.refused(reason, null)
    const window = { count: 0, last: '', timer: setTimeout(() => this.endStrangerWindow(), STRANGER_REPORT_INTERVAL_MS) }
    window.timer.unref()
    this.strangers = window
  }

  private endStrangerWindow(): void {
    const window = this.strangers
    this.strangers = null
    if (!window || window.count === 0) return
    this.handlers.refused(`${window.count} more connection${window.count === 1 ? ' was' : 's were'} refused within a second; the last: ${window.last}`, null)
  }

  private dropOldestUnadmitted(): void {
    const oldest = this.unadmitted.values().next().value
    if (!oldest) return
    this.unadmitted.delete(oldest)
    oldest.destroy()
  }

  private downlink(lid: string): Downlink {
    let downlink = this.downlinks.get(lid)
    if (!downlink) {
      downlink = new Downlink()
      this.downlinks.set(lid, downlink)
    }
    return downlink
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
