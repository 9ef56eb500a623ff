// The host's end of the lab sockets. Each connection opens with one frame saying what it is:
// a lab process's control channel, or the stdout/stderr of one lab process (then raw bytes).
import { randomBytes } from 'node:crypto'
import { rmSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DownMessage, Opening, UpMessage } from '../protocol'
import { BatchedSender, FrameDecoder } from '../wire'

export interface ControlConnection {
  readonly lid: string
  readonly pid: number
  send(message: DownMessage): void
  /** Ends the connection; the lab process then ends itself. */
  destroy(): void
}

export interface BrokerHandlers {
  control(connection: ControlConnection): {
    message(message: UpMessage): void
    closed(): void
  }
  stdio(lid: string, stream: 'stdout' | 'stderr', socket: Socket, firstBytes: Buffer): void
}

/**
 * Where the broker writes to one lab process: its down socket, which may connect a moment after
 * its up socket; what is sent before then waits.
 */
class Downlink {
  private sender: BatchedSender | null = null
  private socket: Socket | null = null
  private queued: unknown[] = []

  attach(socket: Socket): void {
    if (this.socket) return void socket.destroy()
    this.socket = socket
    this.sender = new BatchedSender(socket, 'microtask')
    for (const message of this.queued) this.sender.send(message)
    this.queued = []
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

export class Broker {
  private readonly sockets = new Set<Socket>()
  private readonly downlinks = new Map<string, Downlink>()

  private constructor(
    private readonly server: Server,
    readonly path: string,
  ) {}

  static async listen(handlers: BrokerHandlers): Promise<Broker> {
    const path =
      process.platform === 'win32'
        ? `\\\\.\\pipe\\proclab-${process.pid}-${randomBytes(6).toString('hex')}`
        : join(tmpdir(), `proclab-${process.pid}-${randomBytes(6).toString('hex')}.sock`)
    const server = createServer()
    const broker = new Broker(server, path)
    server.on('connection', (socket) => broker.accept(socket, handlers))
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(path, () => resolve())
    })
    return broker
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
    if (process.platform !== 'win32') rmSync(this.path, { force: true })
  }

  private accept(socket: Socket, handlers: BrokerHandlers): void {
    this.sockets.add(socket)
    socket.on('close', () => this.sockets.delete(socket))
    socket.on('error', () => socket.destroy())
    const decoder = new FrameDecoder()
    const onOpening = (chunk: Buffer): void => {
      let frames: unknown[][]
      try {
        frames = decoder.push(chunk)
      } catch {
        return void socket.destroy()
      }
      if (frames.length === 0) return
      socket.off('data', onOpening)
      const [first, ...rest] = frames
      const opening = first?.[0] as Opening | undefined
      if (opening?.op === 'stdio') {
        handlers.stdio(opening.lid, opening.stream, socket, decoder.takeRest())
      } else if (opening?.op === 'down') {
        // Nothing is read from a down socket after its opening; a failed write there costs nothing else.
        this.downlink(opening.lid).attach(socket)
      } else if (opening?.op === 'control') {
        this.serveControl(socket, opening, decoder, handlers, [...(first?.slice(1) ?? []), ...rest.flat()])
      } else {
        socket.destroy()
      }
    }
    socket.on('data', onOpening)
  }

  private serveControl(socket: Socket, opening: Extract<Opening, { op: 'control' }>, decoder: FrameDecoder, handlers: BrokerHandlers, early: unknown[]): void {
    const downlink = this.downlink(opening.lid)
    const connection: ControlConnection = {
      lid: opening.lid,
      pid: opening.pid,
      send: (message) => downlink.send(message),
      destroy: () => {
        socket.destroy()
        downlink.destroy()
      },
    }
    const session = handlers.control(connection)
    for (const message of early) session.message(message as UpMessage)
    socket.on('data', (chunk) => {
      try {
        for (const frame of decoder.push(chunk)) for (const message of frame) session.message(message as UpMessage)
      } catch {
        socket.destroy()
      }
    })
    // The up socket ends only after everything the process wrote has been read: it is gone.
    socket.on('close', () => {
      downlink.destroy()
      this.downlinks.delete(opening.lid)
      session.closed()
    })
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
