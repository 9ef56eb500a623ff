// A byte ring in a shared segment: one direction of a pipe. Writers append length-prefixed frames
// and publish them by storing the write count; readers take frames in place and publish the space
// back by storing the read count. Both counts only grow (as uint32, wrapping: the capacity is a
// power of two, so `count % capacity` stays right across the wrap). A frame never wraps: when it
// does not fit before the end of the data area, the writer leaves a pad frame there and starts the
// frame at offset 0. docs/shared-memory.md has the diagram and what a death at each step leaves.
//
// One frame is written by one writer at a time and read by one reader at a time: callers that may
// share a side between processes hold that side's lock (writeLock/readLock, SharedLock words in
// the header) around tryWrite/tryRead. Nothing here blocks: waits are the caller's (waitForData,
// waitForSpace), and a side wakes the other only when it announced that it sleeps, so a busy ring
// makes no system call per frame.
import type { SharedSegment } from './segment'

/** Words of a ring's header (128 bytes); the data area follows, 8-byte aligned. */
export const RING_HEADER_WORDS = 32

// Header words, from the ring's first word.
const WRITE = 0
const READ = 1
const CAPACITY = 2
/** Bits of FLAGS: the broker sets them when every holder of a side has gone. */
const FLAGS = 3
const READER_SLEEPS = 4
const WRITER_SLEEPS = 5
export const WRITE_LOCK = 6
export const READ_LOCK = 7
const SENT = 8
const SENT_SIZED = 9
/** Float64 at word 10-11 (byte 40 of the header): bytes of the sendBytes messages sent. */
const SENT_BYTES_F64 = 5
const RECEIVED = 12
const RECEIVED_SIZED = 13
/** Float64 at words 14-15. */
const RECEIVED_BYTES_F64 = 7
/** The pid of the last process that wrote / read a frame (for telemetry's attribution). */
const LAST_WRITER = 16
const LAST_READER = 17

/** FLAGS: no process holds the writing end any more (the reader sees EOF once the ring is empty). */
export const WRITERS_GONE = 1
/** FLAGS: no process holds the reading end any more (writers drop what they send, as the broker path does). */
export const READERS_GONE = 2

/** Frame kinds (the second word of a frame's 8-byte header). */
export const FRAME_VALUE = 1
export const FRAME_BYTES = 2
/** A message that went the broker's way (too big for the ring): the payload is its ticket. */
export const FRAME_TICKET = 3
/** A value that JSON carries exactly (see pipe-ring.ts): UTF-8 JSON text. */
export const FRAME_JSON = 4
const FRAME_PAD = 0x7fff

const FRAME_HEADER = 8
/** The first part of a wait that blocks the thread (see `sleep`). */
const BLOCKING_WAIT_MS = 1

export interface RingCounts {
  sent: number
  sentSized: number
  sentBytes: number
  received: number
  receivedSized: number
  receivedBytes: number
  lastWriter: number
  lastReader: number
}

export interface Frame {
  kind: number
  /** A view of the payload in the shared memory: valid until `release` (copy or decode it first). */
  payload: Buffer
}

const align8 = (n: number): number => (n + 7) & ~7

export class ByteRing {
  private readonly words: Int32Array
  private readonly floats: Float64Array
  private readonly bytes: Buffer
  readonly capacity: number
  /** Index in the segment's words of this ring's first header word. */
  readonly base: number

  /** Bytes a ring of `capacity` takes in a segment (its header and data). */
  static bytesFor(capacity: number): number {
    return RING_HEADER_WORDS * 4 + capacity
  }

  /** Sets up a new ring at word `base` of a fresh (zeroed) segment. */
  static format(segment: SharedSegment, base: number, capacity: number): ByteRing {
    if (capacity < 64 || (capacity & (capacity - 1)) !== 0) throw new RangeError(`a ring's capacity is a power of two ≥ 64, not ${capacity}`)
    Atomics.store(segment.words, base + CAPACITY, capacity)
    return new ByteRing(segment, base)
  }

  /** The ring that `format` made at word `base` (in this or another process). */
  constructor(
    readonly segment: SharedSegment,
    base: number,
  ) {
    if (base % 2 !== 0) throw new RangeError('a ring starts at an even word (its counters are 8-byte aligned)')
    this.base = base
    this.words = segment.words
    const capacity = Atomics.load(this.words, base + CAPACITY)
    const dataStart = (base + RING_HEADER_WORDS) * 4
    if (capacity <= 0 || dataStart + capacity > this.words.byteLength) throw new RangeError(`no ring of capacity ${capacity} at word ${base}`)
    this.capacity = capacity
    this.floats = new Float64Array(this.words.buffer, this.words.byteOffset + base * 4, RING_HEADER_WORDS / 2)
    this.bytes = Buffer.from(this.words.buffer, this.words.byteOffset + dataStart, capacity)
  }

  /** The largest payload a frame may carry: half the ring, so a frame always fits once the reader catches up. */
  get maxPayload(): number {
    return this.capacity / 2 - FRAME_HEADER
  }

  /** The index in the segment's words of one of this ring's header words (for locks and waits). */
  word(offset: number): number {
    return this.base + offset
  }

  get flags(): number {
    return Atomics.load(this.words, this.base + FLAGS)
  }

  /** Bytes written and not yet read. */
  get used(): number {
    return (Atomics.load(this.words, this.base + WRITE) - Atomics.load(this.words, this.base + READ)) >>> 0
  }

  /**
   * Appends one frame if it fits now: `fill` writes exactly `length` payload bytes into the view it
   * gets. Returns false (nothing written) when the ring lacks the space. The frame is published
   * (visible to readers) when this returns true.
   */
  tryWrite(kind: number, length: number, fill: (into: Buffer) => void, sizedBytes: number | null, pid: number): boolean {
    if (length > this.maxPayload) throw new RangeError(`a frame of ${length} bytes does not fit a ring of ${this.capacity}`)
    const { words, base, capacity } = this
    const write = Atomics.load(words, base + WRITE)
    if (!this.fits(length, write, Atomics.load(words, base + READ))) return false
    const at = (write >>> 0) % capacity
    const need = FRAME_HEADER + align8(length)
    const tail = capacity - at
    const pad = tail < need ? tail : 0
    let start = at
    if (pad > 0) {
      this.setFrameHeader(at, tail - FRAME_HEADER, FRAME_PAD)
      start = 0
    }
    fill(this.bytes.subarray(start + FRAME_HEADER, start + FRAME_HEADER + length))
    this.setFrameHeader(start, length, kind)
    // Counters before publishing: a reader that sees the frame sees it counted (the broker's sums stay ≥ what was received).
    words[base + SENT]!++
    if (sizedBytes !== null) {
      words[base + SENT_SIZED]!++
      this.floats[SENT_BYTES_F64]! += sizedBytes
    }
    words[base + LAST_WRITER] = pid
    // The release: everything above is visible to whoever loads the new write count.
    Atomics.store(words, base + WRITE, (write + pad + need) | 0)
    if (Atomics.load(words, base + READER_SLEEPS) > 0) this.segment.wake(base + WRITE, 2 ** 30)
    return true
  }

  /** The frame at the read position, or null when the ring is empty (pads are skipped). Call `release` after using it. */
  peek(): Frame | null {
    const { words, base, capacity } = this
    for (;;) {
      const read = Atomics.load(words, base + READ)
      if (read === Atomics.load(words, base + WRITE)) return null
      const at = (read >>> 0) % capacity
      const length = this.frameLength(at)
      const kind = this.frameKind(at)
      if (kind === FRAME_PAD) {
        this.advance(read, capacity - at)
        continue
      }
      return { kind, payload: this.bytes.subarray(at + FRAME_HEADER, at + FRAME_HEADER + length) }
    }
  }

  /**
   * Up to `n` frames from the read position, without reading them (a paused run's view, issue 17:
   * its processes are stopped). A header that does not fit the ring ends the list early.
   */
  framesAhead(n: number): Frame[] {
    const { words, base, capacity } = this
    const frames: Frame[] = []
    let read = Atomics.load(words, base + READ)
    const write = Atomics.load(words, base + WRITE)
    while (read !== write && frames.length < n) {
      const at = (read >>> 0) % capacity
      const length = this.frameLength(at)
      if (length < 0 || at + FRAME_HEADER + length > capacity) break
      const kind = this.frameKind(at)
      if (kind !== FRAME_PAD) frames.push({ kind, payload: this.bytes.subarray(at + FRAME_HEADER, at + FRAME_HEADER + length) })
      read = (read + FRAME_HEADER + align8(length)) | 0
    }
    return frames
  }

  /** Gives the space of the frame `peek` returned back to writers, and counts it received. */
  release(frame: Frame, sizedBytes: number | null, pid: number): void {
    const { words, base } = this
    words[base + RECEIVED]!++
    if (sizedBytes !== null) {
      words[base + RECEIVED_SIZED]!++
      this.floats[RECEIVED_BYTES_F64]! += sizedBytes
    }
    words[base + LAST_READER] = pid
    this.advance(Atomics.load(words, base + READ), FRAME_HEADER + align8(frame.payload.length))
  }

  /**
   * Resolves when the ring may have data (or flags) again: at once if it has, otherwise after the
   * writer's wake or `sliceMs`. Callers look again in a loop.
   */
  async waitForData(sliceMs: number): Promise<void> {
    const { words, base } = this
    const read = Atomics.load(words, base + READ)
    Atomics.add(words, base + READER_SLEEPS, 1)
    try {
      const write = Atomics.load(words, base + WRITE)
      if (write !== read || this.flags !== 0) return
      await this.sleep(base + WRITE, write, sliceMs)
    } finally {
      Atomics.sub(words, base + READER_SLEEPS, 1)
    }
  }

  /** Resolves when a frame of `length` payload bytes may fit (or the flags changed), or after `sliceMs`. */
  async waitForSpace(length: number, sliceMs: number): Promise<void> {
    const { words, base } = this
    Atomics.add(words, base + WRITER_SLEEPS, 1)
    try {
      // Announced before looking: a reader that frees space after this load sees us and wakes us.
      const read = Atomics.load(words, base + READ)
      if (this.fits(length, Atomics.load(words, base + WRITE), read) || (this.flags & READERS_GONE) !== 0) return
      await this.sleep(base + READ, read, sliceMs)
    } finally {
      Atomics.sub(words, base + WRITER_SLEEPS, 1)
    }
  }

  /**
   * Sleeps while word `index` reads `expected`: first up to BLOCKING_WAIT_MS on this thread (the
   * kernel wakes it directly, in microseconds), then off the thread for the rest of `sliceMs`. An
   * asynchronous wait alone costs two wakeups (the pool's thread, then the event loop), which on
   * a busy machine took milliseconds each time the other side caught up: a streaming pipe spent
   * most of its time there. The event loop of a process blocked in recv() has nothing else to do
   * in that millisecond but for its timers, which run at most that late.
   */
  private async sleep(index: number, expected: number, sliceMs: number): Promise<void> {
    if (this.segment.wait(index, expected, Math.min(BLOCKING_WAIT_MS, sliceMs)) !== 'timed-out' || sliceMs <= BLOCKING_WAIT_MS) return
    await this.segment.waitAsync(index, expected, sliceMs - BLOCKING_WAIT_MS)
  }

  /** For the broker: marks a side gone and wakes whoever sleeps on the ring. */
  setFlag(flag: number): void {
    Atomics.or(this.words, this.base + FLAGS, flag)
    this.segment.wake(this.base + WRITE, 2 ** 30)
    this.segment.wake(this.base + READ, 2 ** 30)
  }

  /** The exact counters (each side bumps them before publishing). */
  counts(): RingCounts {
    const { words, base } = this
    return {
      sent: Atomics.load(words, base + SENT) >>> 0,
      sentSized: Atomics.load(words, base + SENT_SIZED) >>> 0,
      sentBytes: this.floats[SENT_BYTES_F64]!,
      received: Atomics.load(words, base + RECEIVED) >>> 0,
      receivedSized: Atomics.load(words, base + RECEIVED_SIZED) >>> 0,
      receivedBytes: this.floats[RECEIVED_BYTES_F64]!,
      lastWriter: Atomics.load(words, base + LAST_WRITER),
      lastReader: Atomics.load(words, base + LAST_READER),
    }
  }

  /** Whether a frame of `length` payload bytes (and the pad before it, if any) fits between these counts. */
  private fits(length: number, write: number, read: number): boolean {
    const free = this.capacity - ((write - read) >>> 0)
    const at = (write >>> 0) % this.capacity
    const need = FRAME_HEADER + align8(length)
    const tail = this.capacity - at
    return free >= (tail < need ? tail : 0) + need
  }

  private advance(read: number, by: number): void {
    const { words, base } = this
    const next = (read + by) | 0
    Atomics.store(words, base + READ, next)
    // A sleeping writer is woken once half the ring is free (or it is empty), not for every frame
    // read: waking it per frame makes both sides take turns one frame at a time.
    if (Atomics.load(words, base + WRITER_SLEEPS) > 0 && ((Atomics.load(words, base + WRITE) - next) >>> 0) <= this.capacity / 2) this.segment.wake(base + READ, 2 ** 30)
  }

  /** The index in `words` of the first word of the frame at data offset `at` (a multiple of 8). */
  private frameWord(at: number): number {
    return (this.bytes.byteOffset - this.words.byteOffset + at) >> 2
  }

  private setFrameHeader(at: number, length: number, kind: number): void {
    const word = this.frameWord(at)
    this.words[word] = length
    this.words[word + 1] = kind
  }

  private frameLength(at: number): number {
    return this.words[this.frameWord(at)]!
  }

  private frameKind(at: number): number {
    return this.words[this.frameWord(at) + 1]!
  }
}
