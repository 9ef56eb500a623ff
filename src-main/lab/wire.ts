// Frames between lab processes and the host's broker: a 4-byte big-endian length, then one
// v8-serialised array of messages. Senders batch every message of a tick into one frame, which
// is ~8x cheaper than a frame per message (see DESIGN.md, performance notes).
import { writeSync } from 'node:fs'
import type { Socket } from 'node:net'
import { deserialize, serialize } from 'node:v8'
import { platform } from '../platform'
import { FRAME_HEADER as HEADER, frameOf } from './frame'

export { encodeFrame } from './frame'

/**
 * The largest frame a lab process may send the broker, and so the largest item it may put or send
 * (a little less: the message around it counts). Checked before anything is allocated.
 */
export const MAX_FRAME = 256 * 1024 * 1024
/** What a 4-byte length can say: for frames from a trusted sender (the host to its lab processes). */
export const ANY_FRAME = 0xffff_ffff

/** Whether sockets may be written through their descriptor (BatchedSender.writeNow): not Windows pipes. */
const DIRECT_WRITES = platform.lab.directSocketWrites

/** "256 MiB", "16 KiB", "1,234 bytes": sizes in errors people read. */
export function describeSize(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`
  return `${bytes.toLocaleString('en-US')} bytes`
}

/**
 * Accumulates bytes and yields whole frames, each an array of messages. A frame longer than
 * `limit` is refused as soon as its length arrives, before its bytes are kept: what one connection
 * can make its reader hold is one frame under the limit, plus one read.
 */
export class FrameDecoder {
  private pending: Buffer[] = []
  private pendingBytes = 0
  /** Bytes needed before anything can be decoded: chunks are only joined once a frame is whole. */
  private needed = HEADER

  constructor(public limit = MAX_FRAME) {}

  /** Decodes up to `maxFrames` whole frames; the bytes after them wait for the next push. */
  push(chunk: Buffer, maxFrames = Infinity): unknown[][] {
    if (chunk.length > 0) {
      this.pending.push(chunk)
      this.pendingBytes += chunk.length
    }
    if (this.pendingBytes < this.needed || this.pending.length === 0) return []
    const frames: unknown[][] = []
    const buffer = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes)
    let offset = 0
    this.needed = HEADER
    while (buffer.length - offset >= HEADER && frames.length < maxFrames) {
      const length = buffer.readUInt32BE(offset)
      if (length > this.limit) throw new FrameError(`a frame of ${describeSize(length)}, which exceeds the ${describeSize(this.limit)} limit`)
      if (buffer.length - offset - HEADER < length) {
        this.needed = HEADER + length
        break
      }
      frames.push(decodeBody(buffer.subarray(offset + HEADER, offset + HEADER + length)))
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

/** Bytes that are not frames: the connection that sent them cannot be read any further. */
export class FrameError extends Error {
  override name = 'FrameError'
}

function decodeBody(body: Buffer): unknown[] {
  let messages: unknown
  try {
    messages = deserialize(body)
  } catch (error) {
    throw new FrameError(`a frame that does not decode (${error instanceof Error ? error.message : String(error)})`)
  }
  if (!Array.isArray(messages)) throw new FrameError('a frame that does not hold an array of messages')
  return messages
}

/**
 * Queues messages for one socket and writes them as one frame per tick. `flushNow` writes at once,
 * for the moments when a process is about to exit.
 */
export class BatchedSender {
  private queue: unknown[] = []
  /** Promises of sendWritten(), by their message's index in `queue`. */
  private waiting = new Map<number, Waiter>()
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
    /** No frame is longer: batches are split to fit, and one message over it is refused. */
    private readonly maxFrame = MAX_FRAME,
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
   * promise alone (TypeError), as does one too big for a frame (RangeError); the other messages still go.
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
    let frames: Buffer[]
    try {
      const body = serialize(batch)
      if (body.length <= this.maxFrame) frames = [frameOf(body)]
      else if (batch.length > 1) frames = this.encodeInParts(batch, waiting)
      else {
        // One message, too big alone: refused without serialising it again (it may be hundreds of MiB).
        refuse(0, tooBig(body.length, this.maxFrame), waiting)
        frames = []
      }
    } catch {
      frames = this.encodeInParts(batch, waiting)
    }
    this.write(frames, waiting)
  }

  /** Writes the frames in order; the waiters resolve once all of them are in the kernel's hands. */
  private write(frames: Buffer[], waiting: Map<number, Waiter>): void {
    let index = 0
    let rest: Buffer | null = null
    while (rest === null && index < frames.length) rest = this.writeNow(frames[index++]!)
    if (rest === null) {
      // In the kernel already: whoever awaits a sendWritten() continues after this, never before.
      for (const { resolve } of waiting.values()) resolve()
      return
    }
    const queued = [rest, ...frames.slice(index)]
    const last = queued.length - 1
    queued.forEach((frame, i) => {
      if (i < last || waiting.size === 0) this.socket.write(frame)
      // Resolved only once Node handed the bytes to the kernel; a failed write rejects instead.
      else this.socket.write(frame, (error) => waiting.forEach(({ resolve, reject }) => (error ? reject(error) : resolve())))
    })
  }

  /**
   * The fast path: with nothing queued in Node's stream, write straight to the descriptor, as
   * libuv's try-write does, without the stream machinery. Returns what is left to write (null if
   * all went out).
   */
  private writeNow(frame: Buffer): Buffer | null {
    const fd = (this.socket as unknown as { _handle?: { fd?: number } })._handle?.fd
    if (!DIRECT_WRITES || typeof fd !== 'number' || fd < 0 || this.socket.writableLength > 0) return frame
    try {
      const written = writeSync(fd, frame)
      return written === frame.length ? null : frame.subarray(written)
    } catch {
      // EAGAIN (the kernel buffer is full) and the like: let the stream queue it.
      return frame
    }
  }

  /**
   * The slow path, for a batch that cannot be serialised or is over the frame limit: each message
   * that cannot be serialised or is too big for any frame is refused alone (its promise rejects),
   * and the rest go in order, in as many frames as they need.
   */
  private encodeInParts(batch: unknown[], waiting: Map<number, Waiter>): Buffer[] {
    const groups: unknown[][] = []
    let group: unknown[] = []
    let groupBytes = ARRAY_OVERHEAD
    batch.forEach((message, index) => {
      const size = this.sizeOrRefusal(message)
      if (typeof size !== 'number') return refuse(index, size, waiting)
      if (group.length > 0 && groupBytes + size > this.maxFrame) {
        groups.push(group)
        group = []
        groupBytes = ARRAY_OVERHEAD
      }
      group.push(message)
      groupBytes += size
    })
    if (group.length > 0) groups.push(group)
    return groups.flatMap((messages) => this.encodeGroup(messages))
  }

  /** A message's serialised size, or why it cannot be sent. */
  private sizeOrRefusal(message: unknown): number | Error {
    let size: number
    try {
      size = serialize(message).length
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      return new TypeError(`this value cannot be sent to another process: ${reason}. Values cross by structured clone, like postMessage: plain data, Map, Set, Date, typed arrays and Buffers do (class instances arrive as plain objects); functions, symbols, sockets and streams do not.`)
    }
    return size + ARRAY_OVERHEAD <= this.maxFrame ? size : tooBig(size, this.maxFrame)
  }

  /**
   * One frame for the messages, or more if they do not fit after all (sizes measured one by one
   * are close to, not exactly, their size together).
   */
  private encodeGroup(messages: unknown[]): Buffer[] {
    const body = serialize(messages)
    if (body.length <= this.maxFrame || messages.length === 1) return [frameOf(body)]
    const half = messages.length >> 1
    return [...this.encodeGroup(messages.slice(0, half)), ...this.encodeGroup(messages.slice(half))]
  }
}

interface Waiter {
  resolve(): void
  reject(error: Error): void
}

/** Rejects the promise of the message at `index`, or warns if nobody waits for it. */
function refuse(index: number, error: Error, waiting: Map<number, Waiter>): void {
  const waiter = waiting.get(index)
  waiting.delete(index)
  if (waiter) waiter.reject(error)
  else process.emitWarning(error)
}

/** The error for a message over the frame limit, naming both. */
export function tooBig(size: number, maxFrame = MAX_FRAME): RangeError {
  return new RangeError(
    `this value is too big to send to another process: it takes ${describeSize(size)} to send, over the limit of ${describeSize(maxFrame - ARRAY_OVERHEAD)} for one message (one frame holds ${describeSize(maxFrame)}). Send it in parts, or write it to a file and send the file's path.`,
  )
}

/** What an array adds around its elements in a frame (tag, length, end marker), with room to spare. */
const ARRAY_OVERHEAD = 32
