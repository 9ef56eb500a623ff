// Frames between lab processes and the host's broker: a 4-byte big-endian length, then one
// v8-serialised array of messages. Senders batch every message of a tick into one frame, which
// is ~8x cheaper than a frame per message (see DESIGN.md, performance notes).
import { writeSync } from 'node:fs'
import type { Socket } from 'node:net'
import { deserialize, serialize } from 'node:v8'

const HEADER = 4
/** Refuse absurd frames rather than allocate them: a corrupt length must not take the host down. */
export const MAX_FRAME = 256 * 1024 * 1024

export function encodeFrame(messages: readonly unknown[]): Buffer {
  const body = serialize(messages)
  const frame = Buffer.allocUnsafe(HEADER + body.length)
  frame.writeUInt32BE(body.length, 0)
  body.copy(frame, HEADER)
  return frame
}

/** Accumulates bytes and yields whole frames, each an array of messages. */
export class FrameDecoder {
  private pending: Buffer[] = []
  private pendingBytes = 0
  /** Bytes needed before anything can be decoded: chunks are only joined once a frame is whole. */
  private needed = HEADER

  push(chunk: Buffer): unknown[][] {
    this.pending.push(chunk)
    this.pendingBytes += chunk.length
    if (this.pendingBytes < this.needed) return []
    const frames: unknown[][] = []
    const buffer = this.pending.length === 1 ? chunk : Buffer.concat(this.pending, this.pendingBytes)
    let offset = 0
    this.needed = HEADER
    while (buffer.length - offset >= HEADER) {
      const length = buffer.readUInt32BE(offset)
      if (length > MAX_FRAME) throw new Error(`frame of ${length} bytes exceeds the ${MAX_FRAME}-byte limit`)
      if (buffer.length - offset - HEADER < length) {
        this.needed = HEADER + length
        break
      }
      const messages = deserialize(buffer.subarray(offset + HEADER, offset + HEADER + length)) as unknown
      if (!Array.isArray(messages)) throw new Error('frame does not hold an array of messages')
      frames.push(messages)
      offset += HEADER + length
    }
    const rest = buffer.subarray(offset)
    this.pending = rest.length ? [rest] : []
    this.pendingBytes = rest.length
    return frames
  }

  /** Bytes received after the last whole frame (used when a connection switches to raw bytes). */
  takeRest(): Buffer {
    const rest = Buffer.concat(this.pending, this.pendingBytes)
    this.pending = []
    this.pendingBytes = 0
    this.needed = HEADER
    return rest
  }
}

/**
 * Queues messages for one socket and writes them as one frame per tick. `flushNow` writes at once,
 * for the moments when a process is about to exit.
 */
export class BatchedSender {
  private queue: unknown[] = []
  /** Promises of sendWritten(), by their message's index in `queue`. */
  private waiting = new Map<number, { resolve(): void; reject(error: Error): void }>()
  /** Messages of the current batch that later sends may merge into, by key. */
  private mergeable = new Map<string, unknown>()
  private scheduled = false
  private microtaskScheduled = false

  /**
   * `immediate` (lab processes): one-way messages wait for the event loop's turn, so a loop of
   * puts and acknowledgements shares frames. `microtask` (the broker): replies go out as soon as
   * the messages of one socket read are handled, still one frame for all of them.
   */
  constructor(
    private readonly socket: Socket,
    private readonly flushOn: 'immediate' | 'microtask' = 'immediate',
  ) {}

  send(message: unknown): void {
    this.queue.push(message)
    // A later count must not merge into a message sent before this one: the receiver would see
    // it ahead of this message (an acknowledgement ahead of the `return` it followed).
    this.mergeable.clear()
    if (!this.scheduled) {
      this.scheduled = true
      if (this.flushOn === 'immediate') setImmediate(() => this.flushNow())
      else queueMicrotask(() => this.flushNow())
    }
  }

  /**
   * Sends `create()`, or, if the last message of this batch is the one under `key`, `merge`s into
   * it (acknowledgements of 200 consumed items in a row travel as one message).
   */
  sendMerged<M>(key: string, create: () => M, merge: (message: M) => void): void {
    const pending = this.mergeable.get(key) as M | undefined
    if (pending !== undefined) return merge(pending)
    const message = create()
    this.send(message)
    this.mergeable.set(key, message)
  }

  /**
   * Sends and resolves once the frame holding the message is in the kernel's hands: from then on
   * it reaches the host even if this process dies. Flushed at the end of the current microtasks,
   * so a burst of sends still shares one frame. A value that cannot be serialised rejects this
   * promise alone (TypeError); the other messages still go.
   */
  sendWritten(message: unknown): Promise<void> {
    const index = this.queue.push(message) - 1
    this.mergeable.clear()
    return new Promise((resolve, reject) => {
      this.waiting.set(index, { resolve, reject })
      if (!this.microtaskScheduled) {
        this.microtaskScheduled = true
        queueMicrotask(() => this.flushNow())
      }
    })
  }

  flushNow(): void {
    this.scheduled = false
    this.microtaskScheduled = false
    const batch = this.queue
    const waiting = this.waiting
    this.queue = []
    this.waiting = new Map()
    this.mergeable.clear()
    if (batch.length === 0) return
    if (this.socket.destroyed) {
      for (const { reject } of waiting.values()) reject(new Error('the connection to the ProcLab host is closed'))
      return
    }
    let frame: Buffer
    try {
      frame = encodeFrame(batch)
    } catch {
      frame = this.encodeWithoutBadMessages(batch, waiting)
    }
    const rest = this.writeNow(frame)
    if (rest === null) {
      // In the kernel already: whoever awaits a sendWritten() continues after this, never before.
      for (const { resolve } of waiting.values()) resolve()
    } else if (waiting.size === 0) {
      this.socket.write(rest)
    } else {
      // Resolved only once Node handed the bytes to the kernel; a failed write rejects instead.
      this.socket.write(rest, (error) => waiting.forEach(({ resolve, reject }) => (error ? reject(error) : resolve())))
    }
  }

  /**
   * The fast path: with nothing queued in Node's stream, write straight to the descriptor, as
   * libuv's try-write does, without the stream machinery. Returns what is left to write (null if
   * all went out).
   */
  private writeNow(frame: Buffer): Buffer | null {
    const fd = (this.socket as unknown as { _handle?: { fd?: number } })._handle?.fd
    if (typeof fd !== 'number' || fd < 0 || this.socket.writableLength > 0 || process.platform === 'win32') return frame
    try {
      const written = writeSync(fd, frame)
      return written === frame.length ? null : frame.subarray(written)
    } catch {
      // EAGAIN (the kernel buffer is full) and the like: let the stream queue it.
      return frame
    }
  }

  /** The slow path: find what cannot be serialised, reject it, keep the rest in order. */
  private encodeWithoutBadMessages(batch: unknown[], waiting: Map<number, { resolve(): void; reject(error: Error): void }>): Buffer {
    const good: unknown[] = []
    batch.forEach((message, index) => {
      try {
        serialize(message)
        good.push(message)
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error)
        const failure = new TypeError(`this value cannot be sent to another process: ${reason}. Values cross by structured clone, like postMessage: plain data, Map, Set, Date, typed arrays and Buffers do (class instances arrive as plain objects); functions, symbols, sockets and streams do not.`)
        const waiter = waiting.get(index)
        waiting.delete(index)
        if (waiter) waiter.reject(failure)
        else process.emitWarning(failure)
      }
    })
    return encodeFrame(good)
  }
}
