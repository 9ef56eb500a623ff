// The shared-memory path of a Pipe end in one lab process: what it sends goes into the ring the
// other end reads, what it receives comes out of the ring it reads, without a message to the broker.
// The broker maps the same segment: it sets the EOF flag when every holder of the other end has
// gone, frees the side locks of a process that died holding them, and reads the ring's counters
// for telemetry. Messages too big for a frame go the broker's way, and a ticket frame keeps their
// place in the order (see docs/shared-memory.md, "Pipe").
import { deserialize, serialize } from 'node:v8'
import { EOFError } from './errors'
import { fromRefs, toRefs } from './reduction'
import { jsonCarriesExactly } from './item-codec'
import { ByteRing, FRAME_BYTES, FRAME_JSON, FRAME_TICKET, FRAME_VALUE, READ_LOCK, READERS_GONE, RING_HEADER_WORDS, WRITE_LOCK, WRITERS_GONE, type Frame } from './shm/ring'
import { HEADER_WORDS, SharedSegment, type SegmentAddress } from './shm/segment'
import { SharedLock } from './shm/lock'
import { SharedMemoryError } from '../platform/shared-memory'
import type { WaitWatch } from './waits'

/**
 * Bytes of each direction's ring: room for thousands of small messages and for 64 KiB ones to
 * stream (a frame may take half). Not more: /dev/shm is a tmpfs, 64 MiB in a default Docker
 * container, and touching a page of a segment that no longer fits there is a SIGBUS, not an error.
 * 1 MiB did not stream 64 KiB messages measurably faster on the bench machine.
 */
export const PIPE_RING_CAPACITY = 256 * 1024

/** What a pipe's ends (and the broker) need to find its rings. */
export interface PipeRingAddress {
  segment: SegmentAddress
  capacity: number
}

/** Word of ring `end` (the ring end `end` reads) in a pipe's segment. */
export function ringBase(end: 0 | 1, capacity: number): number {
  return HEADER_WORDS + end * (RING_HEADER_WORDS + capacity / 4)
}

/** A new segment with both rings, or null where there is no shared memory (the broker path serves). */
export function createPipeRings(capacity = PIPE_RING_CAPACITY): PipeRingAddress | null {
  let segment: SharedSegment
  try {
    segment = SharedSegment.create(2 * ByteRing.bytesFor(capacity))
  } catch (error) {
    if (error instanceof SharedMemoryError) return null
    throw error
  }
  ByteRing.format(segment, ringBase(0, capacity), capacity)
  ByteRing.format(segment, ringBase(1, capacity), capacity)
  // This process keeps its mapping for its ends; the broker opens its own and unlinks at run end.
  opened.set(segment.name, segment)
  return { segment: segment.address, capacity }
}

/** One mapping per segment in a process, shared by the handles of both ends. Never unmapped before exit: a wait on a pool thread may still be looking at it. */
const opened = new Map<string, SharedSegment>()

function openSegment(address: SegmentAddress): SharedSegment {
  let segment = opened.get(address.name)
  if (!segment) {
    segment = SharedSegment.open(address)
    opened.set(address.name, segment)
  }
  return segment
}

/** How long one sleep on a ring lasts before the flags and counts are looked at again. */
const SLEEP_SLICE_MS = 200
/** A tight `await send()` loop resolves without yielding; give the event loop a turn this often. */
const SENDS_PER_YIELD = 2048

export interface BrokerLink {
  /** Tells the broker this process uses the end (it holds it, and the ring's pids map to it). */
  attach(): void
  /** Sends a message the broker's way, with the ticket its frame carries. Resolves once it left this process. */
  sendViaBroker(value: unknown, bytes: number | null, ticket: string): Promise<void>
  /** Takes the message of a ticket from the broker. */
  takeFromBroker(ticket: string): Promise<unknown>
  /** Reports a wait for data or room that lasts (see lab/waits.ts). */
  watchWait(on: 'pipe.recv' | 'pipe.send'): WaitWatch
}

type Received = { value: unknown } | { ticket: string }

export class PipeRingEnd {
  private rings: { out: ByteRing; in: ByteRing; writeLock: SharedLock; readLock: SharedLock } | null = null
  /** Operations of this process that wait, in order: later ones go after them. */
  private writing: Promise<void> | null = null
  private reading: Promise<unknown> | null = null
  private sendsSinceYield = 0
  /** A staging buffer for bytes sent while the ring is full (see sendFrame). */
  private spare: Buffer | null = null
  private tickets = 0
  private readonly pid = process.pid

  constructor(
    private readonly address: PipeRingAddress,
    private readonly end: 0 | 1,
    private readonly link: BrokerLink,
    /** The pipe's name, for error messages (as the broker path words them). */
    private readonly name: string,
  ) {}

  // --- sending --------------------------------------------------------------------------------

  send(value: unknown): Promise<void> {
    const message = toRefs(value)
    // Most messages are plain data, which JSON carries exactly and ~8x faster than v8.serialize
    // (a Serializer made per call: ~29 µs against ~3 µs for a small object on the busy bench
    // machine, and ~14 µs against ~2 µs to decode). Anything else keeps structured clone.
    if (jsonCarriesExactly(message)) {
      const text = JSON.stringify(message)
      return this.sendFrame(FRAME_JSON, Buffer.byteLength(text), (into) => into.write(text), null, () => value)
    }
    const payload = serialize(message)
    return this.sendFrame(FRAME_VALUE, payload.length, (into) => into.set(payload), null, () => value)
  }

  sendBytes(data: Uint8Array, offset: number, end: number): Promise<void> {
    const length = end - offset
    return this.sendFrame(FRAME_BYTES, length, (into) => into.set(data.subarray(offset, end)), length, () => Buffer.from(data.subarray(offset, end)))
  }

  private sendFrame(kind: number, length: number, fill: (into: Buffer) => void, sized: number | null, original: () => unknown): Promise<void> {
    const rings = this.open()
    if (length > rings.out.maxPayload) return this.after(() => this.sendLarge(original(), sized))
    if (this.writing === null && this.tryWrite(kind, length, fill, sized)) {
      if (++this.sendsSinceYield < SENDS_PER_YIELD) return Promise.resolve()
      this.sendsSinceYield = 0
      return new Promise((resolve) => setImmediate(resolve))
    }
    if (kind !== FRAME_BYTES) return this.after(() => this.writeWhenRoom(kind, length, fill, sized))
    // The bytes must be copied now: the caller may change its buffer once send() returned. A tight
    // sendBytes loop waits here for each message: one staging buffer, reused, spares the
    // allocation (and the GC's work) per message.
    const spare = this.spare !== null && this.spare.length >= length ? this.spare : null
    this.spare = null
    const staged = spare ? spare.subarray(0, length) : Buffer.allocUnsafeSlow(length)
    fill(staged)
    return this.after(async () => {
      await this.writeWhenRoom(kind, length, (into) => into.set(staged), sized)
      this.spare = spare ?? staged
    })
  }

  /** Runs `operation` after this process's earlier waiting sends. */
  private after(operation: () => Promise<void>): Promise<void> {
    const previous = this.writing ?? Promise.resolve()
    const mine = previous.then(operation)
    const settled = mine.then(
      () => undefined,
      () => undefined,
    )
    this.writing = settled
    void settled.then(() => {
      if (this.writing === settled) this.writing = null
    })
    return mine
  }

  private async writeWhenRoom(kind: number, length: number, fill: (into: Buffer) => void, sized: number | null): Promise<void> {
    const { out, writeLock } = this.open()
    let watch: WaitWatch | null = null
    try {
      for (;;) {
        if ((out.flags & READERS_GONE) !== 0) return
        // Another process is writing a frame: wait for its lock off the event loop.
        if (!writeLock.acquire(this.pid, 0)) await writeLock.acquireAsync(this.pid)
        if (this.writeLocked(kind, length, fill, sized)) return
        watch ??= this.link.watchWait('pipe.send')
        await out.waitForSpace(length, watch.sleepFor(SLEEP_SLICE_MS))
      }
    } catch (error) {
      watch?.end('error')
      watch = null
      throw error
    } finally {
      watch?.end('done')
    }
  }

  /** True once written, or once nobody reads any more (dropped, as the broker path does); false when full or locked. */
  private tryWrite(kind: number, length: number, fill: (into: Buffer) => void, sized: number | null): boolean {
    const { out, writeLock } = this.open()
    if ((out.flags & READERS_GONE) !== 0) return true
    // Uncontended: one compare-and-swap. Held only for this synchronous write, never across a wait.
    return writeLock.acquire(this.pid, 0) && this.writeLocked(kind, length, fill, sized)
  }

  /** Writes with the write lock held, and releases it. */
  private writeLocked(kind: number, length: number, fill: (into: Buffer) => void, sized: number | null): boolean {
    const { out, writeLock } = this.open()
    try {
      return out.tryWrite(kind, length, fill, sized, this.pid)
    } finally {
      writeLock.release(this.pid)
    }
  }

  private async sendLarge(value: unknown, sized: number | null): Promise<void> {
    const ticket = `${this.pid}:${this.end}:${++this.tickets}`
    // The message first, then its place in the ring: a reader that meets the ticket finds it
    // at the broker (or waits for it there, since it comes on another socket).
    await this.link.sendViaBroker(toRefs(value), sized, ticket)
    const payload = serialize([ticket, sized])
    await this.writeWhenRoom(FRAME_TICKET, payload.length, (into) => into.set(payload), sized)
  }

  /** Resolves once this process's sends that waited for room are in the ring. */
  sendsDone(): Promise<void> {
    return this.writing ?? Promise.resolve()
  }

  // --- receiving ------------------------------------------------------------------------------

  recv(): Promise<unknown> {
    if (this.reading === null) {
      const got = this.tryRead()
      if (got !== null && 'value' in got) return Promise.resolve(got.value)
      if (got !== null) return this.queueRead(() => this.link.takeFromBroker(got.ticket).then(fromRefs))
    }
    return this.queueRead(() => this.readWhenThere())
  }

  /** Whether recv() would return at once (a message, or EOF); waits up to timeoutMs (null: forever). */
  async poll(timeoutMs: number | null): Promise<boolean> {
    const { in: ring } = this.open()
    const until = timeoutMs === null ? Infinity : performance.now() + timeoutMs
    for (;;) {
      if (ring.used > 0 || (ring.flags & WRITERS_GONE) !== 0) return true
      const left = until - performance.now()
      if (left <= 0) return false
      await ring.waitForData(Math.min(SLEEP_SLICE_MS, left))
    }
  }

  private queueRead(operation: () => Promise<unknown>): Promise<unknown> {
    const previous = this.reading ?? Promise.resolve()
    const mine = previous.then(operation)
    const settled = mine.then(
      () => undefined,
      () => undefined,
    )
    this.reading = settled
    void settled.then(() => {
      if (this.reading === settled) this.reading = null
    })
    return mine
  }

  private async readWhenThere(): Promise<unknown> {
    const watch = this.link.watchWait('pipe.recv')
    try {
      const value = await this.readWhenThereWatched(watch)
      watch.end('done')
      return value
    } catch (error) {
      watch.end('error')
      throw error
    }
  }

  private async readWhenThereWatched(watch: WaitWatch): Promise<unknown> {
    const { in: ring, readLock } = this.open()
    for (;;) {
      // Flags before the look: the EOF flag is set after the last writer's frames were published.
      const ended = (ring.flags & WRITERS_GONE) !== 0
      if (ring.used > 0) {
        // Another process is reading a frame: wait for its lock off the event loop.
        if (!readLock.acquire(this.pid, 0)) await readLock.acquireAsync(this.pid)
        const got = this.readLocked()
        if (got !== null) return 'value' in got ? got.value : fromRefs(await this.link.takeFromBroker(got.ticket))
        continue
      }
      if (ended) throw new EOFError(`${this.name}: every holder of the other end has closed it; nothing is left to receive`)
      await ring.waitForData(watch.sleepFor(SLEEP_SLICE_MS))
    }
  }

  /** The next message if one is in the ring now (decoded, its space given back), else null. */
  private tryRead(): Received | null {
    const { in: ring, readLock } = this.open()
    if (ring.used === 0 || !readLock.acquire(this.pid, 0)) return null
    return this.readLocked()
  }

  /** Reads one message with the read lock held, and releases it. */
  private readLocked(): Received | null {
    const { in: ring, readLock } = this.open()
    try {
      const frame = ring.peek()
      if (frame === null) return null
      // Decoded before the space is given back: a reader that dies before `release` leaves the frame for the next one.
      const got = decode(frame)
      ring.release(frame, got.sized, this.pid)
      return got.received
    } finally {
      readLock.release(this.pid)
    }
  }

  private open(): NonNullable<PipeRingEnd['rings']> {
    if (this.rings) return this.rings
    const segment = openSegment(this.address.segment)
    const other = (1 - this.end) as 0 | 1
    const out = new ByteRing(segment, ringBase(other, this.address.capacity))
    const into = new ByteRing(segment, ringBase(this.end, this.address.capacity))
    this.rings = { out, in: into, writeLock: new SharedLock(segment, out.word(WRITE_LOCK)), readLock: new SharedLock(segment, into.word(READ_LOCK)) }
    this.link.attach()
    return this.rings
  }
}

/**
 * A copy of bytes (from the shared memory, or of a sender's buffer). Not Buffer.from(view): over
 * the ArrayBuffer of a mapping it took ~1.3 ms for 64 KiB. And allocUnsafeSlow above Node's pool
 * size: for 64 KiB Buffer.allocUnsafe cost ~70 µs of CPU against ~17 µs (measured on the busy
 * bench machine, 2,000 in a row). A slab cut in slices was slower still: fresh pages each time.
 */
export function copyOf(view: Uint8Array): Buffer {
  const copy = view.length >= 4096 ? Buffer.allocUnsafeSlow(view.length) : Buffer.allocUnsafe(view.length)
  copy.set(view)
  return copy
}

/** A frame's message, and its size if it was sent with sendBytes (what the counters count). */
function decode(frame: Frame): { received: Received; sized: number | null } {
  const { payload } = frame
  switch (frame.kind) {
    case FRAME_JSON:
      return { received: { value: fromRefs(JSON.parse(payload.toString('utf8'))) }, sized: null }
    case FRAME_VALUE:
      return { received: { value: fromRefs(deserialize(payload)) }, sized: null }
    case FRAME_BYTES:
      return { received: { value: copyOf(payload) }, sized: payload.length }
    case FRAME_TICKET: {
      const [ticket, sized] = deserialize(payload) as [string, number | null]
      return { received: { ticket }, sized }
    }
    default:
      throw new Error(`pipe ring: a frame of unknown kind ${frame.kind}`)
  }
}
