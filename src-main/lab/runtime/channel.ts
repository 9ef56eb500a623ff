// A lab process's connection to the host's broker: batched frames up, replies and pushes down.
import type { Socket } from 'node:net'
import type { DownMessage, Push, UpMessage } from '../protocol'
import { errorFromBroker } from '../errors'
import { ANY_FRAME, BatchedSender, FrameDecoder } from '../wire'
import { SPEC_RID, type EarlyConnection } from './early'

type Request = Extract<UpMessage, { rid: number }>
type RequestBody = Request extends infer R ? (R extends Request ? Omit<R, 'rid'> : never) : never

/**
 * Two sockets, one per direction. If the broker wrote to a socket this process also writes to, and
 * this process had already exited, Node would destroy the broker's end on the failed write and drop
 * the bytes this process wrote last and the broker had not read yet (a put whose promise resolved).
 * With one socket per direction, the up socket is only ever read by the broker, to its end.
 */
export class BrokerChannel {
  private readonly sender: BatchedSender
  private readonly waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>()
  private nextRid = SPEC_RID + 1
  private closing = false

  private constructor(
    private readonly up: Socket,
    down: Socket,
    onLost: () => void,
  ) {
    this.sender = new BatchedSender(up)
    // The host's frames may be any size (a reply can carry several big items); the host is trusted.
    const decoder = new FrameDecoder(ANY_FRAME)
    down.on('data', (chunk) => {
      for (const frame of decoder.push(chunk)) for (const message of frame) this.receive(message as DownMessage)
    })
    const lost = () => {
      for (const { reject } of this.waiting.values()) reject(new Error('the ProcLab host went away'))
      this.waiting.clear()
      if (!this.closing) onLost()
    }
    down.once('close', lost)
    up.once('close', lost)
    // Closed before this channel existed: no 'close' is coming. Once the caller has registered its waiters.
    if (up.destroyed || down.destroyed) queueMicrotask(lost)
    // 'close' follows an error and says what matters.
    down.on('error', () => undefined)
    up.on('error', () => undefined)
  }

  /**
   * Takes over the sockets runtime/early.ts opened and introduced. `onLost` runs if the host goes
   * away before we close, also if it went away while the runtime was loading.
   */
  static adopt(connection: EarlyConnection, onLost: () => void): BrokerChannel {
    return new BrokerChannel(connection.up, connection.down, onLost)
  }

  /** The reply to a request runtime/early.ts sent before this channel existed (the spec). */
  replyTo(rid: number): Promise<unknown> {
    return new Promise((resolve, reject) => this.waiting.set(rid, { resolve, reject }))
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

  private readonly flushHooks: Array<() => void> = []

  /** Runs `hook` before every flushNow/close: a place to send what was batched elsewhere (lock traces). */
  beforeFlush(hook: () => void): void {
    this.flushHooks.push(hook)
  }

  /** Writes what is queued now (a Unix socket write is attempted synchronously), for exit handlers. */
  flushNow(): void {
    for (const hook of this.flushHooks) hook()
    this.sender.flushNow()
  }

  /** Writes what is queued and closes; the host then knows this process is done. */
  close(): Promise<void> {
    for (const hook of this.flushHooks) hook()
    this.closing = true
    this.sender.flushNow()
    return new Promise((resolve) => {
      if (this.up.destroyed) return resolve()
      this.up.end(() => resolve())
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
