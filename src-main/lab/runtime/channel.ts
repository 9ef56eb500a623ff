// A lab process's connection to the host's broker: batched frames up, replies and pushes down.
import { connect, type Socket } from 'node:net'
import type { DownMessage, Opening, Push, UpMessage } from '../protocol'
import { errorFromBroker } from '../errors'
import { BatchedSender, encodeFrame, FrameDecoder } from '../wire'

type Request = Extract<UpMessage, { rid: number }>
type RequestBody = Request extends infer R ? (R extends Request ? Omit<R, 'rid'> : never) : never

export class BrokerChannel {
  private readonly sender: BatchedSender
  private readonly waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>()
  private nextRid = 1
  private closing = false

  private constructor(
    private readonly socket: Socket,
    onLost: () => void,
  ) {
    this.sender = new BatchedSender(socket)
    const decoder = new FrameDecoder()
    socket.on('data', (chunk) => {
      for (const frame of decoder.push(chunk)) for (const message of frame) this.receive(message as DownMessage)
    })
    socket.on('close', () => {
      for (const { reject } of this.waiting.values()) reject(new Error('the ProcLab host went away'))
      this.waiting.clear()
      if (!this.closing) onLost()
    })
    socket.on('error', () => {
      // 'close' follows and says what matters.
    })
  }

  /** Connects and says who we are. `onLost` runs if the host goes away before we close. */
  static connect(path: string, opening: Opening, onLost: () => void): Promise<BrokerChannel> {
    return new Promise((resolve, reject) => {
      const socket = connect(path)
      socket.once('error', reject)
      socket.once('connect', () => {
        socket.off('error', reject)
        socket.setNoDelay?.(true)
        socket.write(encodeFrame([opening]))
        resolve(new BrokerChannel(socket, onLost))
      })
    })
  }

  send(message: UpMessage): void {
    this.sender.send(message)
  }

  /** See BatchedSender.sendMerged. */
  sendMerged<M extends UpMessage>(key: string, create: () => M, merge: (message: M) => void): void {
    this.sender.sendMerged(key, create, merge)
  }

  /** Resolves once the message has left this process (see BatchedSender.sendWritten). */
  sendWritten(message: UpMessage): Promise<void> {
    return this.sender.sendWritten(message)
  }

  /** Where pushes from the broker go (recalls of leased queue items, ...). */
  onPush: (push: Push) => void = () => undefined

  request(body: RequestBody): Promise<unknown> {
    const rid = this.nextRid++
    return new Promise((resolve, reject) => {
      this.waiting.set(rid, { resolve, reject })
      this.sender.sendWritten({ ...body, rid } as Request).catch((error: Error) => {
        this.waiting.delete(rid)
        reject(error)
      })
    })
  }

  /** Writes what is queued now (a Unix socket write is attempted synchronously), for exit handlers. */
  flushNow(): void {
    this.sender.flushNow()
  }

  /** Writes what is queued and closes; the host then knows this process is done. */
  close(): Promise<void> {
    this.closing = true
    this.sender.flushNow()
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve()
      this.socket.end(() => resolve())
      // A host that stopped reading must not keep a finished process alive.
      setTimeout(resolve, 1000).unref()
    })
  }

  private receive(message: DownMessage): void {
    if (message.op === 'reply') {
      const waiter = this.waiting.get(message.rid)
      if (!waiter) return
      this.waiting.delete(message.rid)
      if (message.ok) waiter.resolve(message.value)
      else waiter.reject(errorFromBroker(message.errorName, message.error))
    } else if (message.op === 'push') {
      this.onPush(message)
    }
  }
}
