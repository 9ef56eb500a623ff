// A queue of serialized items in one shared segment: a ring of length-prefixed records under a
// SharedLock, with counters and words to sleep on. It knows nothing of processes or the broker:
// Queue (lab side) and QueueObject (broker side) build on it. docs/shared-memory.md draws it.
//
// Crash safety comes from the order of stores, all made under the lock: a put writes the record,
// then the tail, then the put counter; a get reads the record, then moves the head, then the get
// counter. Someone who dies holding the lock leaves at most one of those steps undone, and
// `repairAfterDeath` (the broker, before it frees the lock) finishes or forgets it: an item whose
// tail was published is in the queue, one whose record was only half written is not.
import { SharedLock } from './lock'
import { HEADER_WORDS, SharedSegment } from './segment'

/** Header words, after the segment's own. Counters are 32-bit and wrap: differences stay exact. */
export const QUEUE_WORDS = {
  lock: HEADER_WORDS,
  /** Byte offsets into the data area: the oldest record, and where the next one goes. */
  head: HEADER_WORDS + 1,
  tail: HEADER_WORDS + 2,
  /** Records ever put / taken; their difference is the depth. */
  puts: HEADER_WORDS + 3,
  gets: HEADER_WORDS + 4,
  /** 0: unbounded. */
  maxsize: HEADER_WORDS + 5,
  /** Processes asleep waiting for an item / for room. */
  getters: HEADER_WORDS + 6,
  putters: HEADER_WORDS + 7,
  /** Bumped by every put / get: what getters / putters sleep on. */
  putSeq: HEADER_WORDS + 8,
  getSeq: HEADER_WORDS + 9,
  /** Bytes of items ever put, low and high 32 bits (telemetry). */
  bytesLo: HEADER_WORDS + 10,
  bytesHi: HEADER_WORDS + 11,
  /** Length of the data area in bytes (a multiple of 4). */
  dataBytes: HEADER_WORDS + 12,
} as const
const W = QUEUE_WORDS
/**
 * Per-process counts for telemetry, from word HEADER_WORDS + 16: slots of [pid, puts, gets]. A
 * process killed before it reported its last operations (it reports once per tick) leaves them
 * here, and the broker reports the difference when it sees the process gone. 0 pid: free.
 */
const SLOTS_AT = HEADER_WORDS + 16
export const PROCESS_SLOTS = 32
const HEADER_END = SLOTS_AT + PROCESS_SLOTS * 3

/** A record's first word: its length (≥ 0), or one of these. */
const WRAP = -1
/** An item kept by the broker (too big for the ring); the next two words name it. */
const STASHED = -2

/** The ring this queue gets by default: ~1 MiB of items in flight before an unbounded put waits. */
export const DEFAULT_DATA_BYTES = 1024 * 1024

export type Taken = { kind: 'item'; bytes: Uint8Array } | { kind: 'stashed'; owner: number; seq: number }

export interface PutOutcome {
  /** False: the queue is full (maxsize) or the ring has no room; the caller sleeps on `sleepOn`. */
  done: boolean
  /** Items in the queue after the put (or now, when it was not done). */
  depth: number
  /** When not done: whether it is maxsize (true) or the ring's room (false) that stopped it. */
  full: boolean
  sleepOn: number
  /** Someone sleeps waiting for the other side: the caller wakes one (`wakeGetter`/`wakePutter`). */
  wake: boolean
}

export interface GetOutcome {
  taken: Taken | null
  depth: number
  sleepOn: number
  /** Someone waits for room: the caller wakes a putter. */
  wakePutter: boolean
  /** Items are left and a getter sleeps: the caller wakes it (a wake it was sent may have gone to one that timed out meanwhile). */
  wakeGetter: boolean
}

const align4 = (n: number): number => (n + 3) & ~3

export class ItemQueueMemory {
  readonly lock: SharedLock
  private readonly words: Int32Array
  private readonly bytes: Uint8Array
  /** The data area's first byte in `bytes`. */
  private readonly base = HEADER_END * 4
  private readonly cap: number
  /** This process's slot (its first word), claimed at its first put or get; -1: none left. */
  private slot: number | null = null

  private constructor(readonly segment: SharedSegment) {
    this.words = segment.words
    this.bytes = new Uint8Array(this.words.buffer, this.words.byteOffset, this.words.byteLength)
    this.lock = new SharedLock(segment, W.lock)
    this.cap = this.words[W.dataBytes]!
  }

  /** A new queue's memory: throws SharedMemoryError where the OS has none. */
  static create(maxsize: number, dataBytes = DEFAULT_DATA_BYTES): ItemQueueMemory {
    const segment = SharedSegment.create(HEADER_END * 4 - HEADER_WORDS * 4 + dataBytes)
    const words = segment.words
    words[W.maxsize] = maxsize
    // Whatever the page rounding gave beyond what was asked is data area too.
    words[W.dataBytes] = (segment.size - HEADER_END * 4) & ~3
    return new ItemQueueMemory(segment)
  }

  static open(segment: SharedSegment): ItemQueueMemory {
    return new ItemQueueMemory(segment)
  }

  get maxsize(): number {
    return this.words[W.maxsize]!
  }

  /** The largest item kept in the ring; bigger ones are stashed with the broker. */
  get largestInline(): number {
    return this.cap >> 3
  }

  /** Exact: puts minus gets, read without the lock (both are published last). */
  depth(): number {
    return (Atomics.load(this.words, W.puts) - Atomics.load(this.words, W.gets)) | 0
  }

  counters(): { puts: number; gets: number; bytes: number } {
    const { words } = this
    return { puts: Atomics.load(words, W.puts), gets: Atomics.load(words, W.gets), bytes: (words[W.bytesHi]! >>> 0) * 2 ** 32 + (words[W.bytesLo]! >>> 0) }
  }

  /**
   * One try at putting `item` (bytes, or a stash reference) while holding the lock for `holder`
   * (the caller took it). `waited`: the caller was counted asleep as a putter and now is not.
   * `mayWait`: whether the caller may wait when the queue is full (maxsize); when only the ring
   * lacks room it always waits (a put is never refused for that). A caller that will wait is
   * counted asleep, and sleeps on `sleepOn`.
   */
  put(item: Uint8Array | { owner: number; seq: number }, waited: boolean, mayWait: boolean): PutOutcome {
    const { words } = this
    if (waited) words[W.putters]!--
    const depth = this.depth()
    const maxsize = words[W.maxsize]!
    const full = maxsize > 0 && depth >= maxsize
    const length = item instanceof Uint8Array ? item.length : 8
    const at = full ? -1 : this.placeFor(4 + align4(length))
    if (at < 0) {
      if (!full || mayWait) words[W.putters]!++
      return { done: false, depth, full, sleepOn: words[W.getSeq]!, wake: false }
    }
    const tail = words[W.tail]!
    if (at === 0 && tail !== 0 && this.cap - tail >= 4) this.setWord(tail, WRAP)
    if (item instanceof Uint8Array) {
      this.setWord(at, length)
      this.bytes.set(item, this.base + at + 4)
    } else {
      this.setWord(at, STASHED)
      this.setWord(at + 4, item.owner)
      this.setWord(at + 8, item.seq)
    }
    // Published last, in this order (see repairAfterDeath).
    Atomics.store(words, W.tail, (at + 4 + align4(length)) % this.cap)
    const lo = (words[W.bytesLo]! >>> 0) + length
    if (lo >= 2 ** 32) words[W.bytesHi]!++
    words[W.bytesLo] = lo | 0
    Atomics.add(words, W.puts, 1)
    Atomics.add(words, W.putSeq, 1)
    this.countForProcess(1)
    return { done: true, depth: depth + 1, full: false, sleepOn: 0, wake: words[W.getters]! > 0 }
  }

  /** One try at taking the oldest item, holding the lock; `waited`/`willWait` as for put. */
  get(waited: boolean, willWait: boolean): GetOutcome {
    const { words } = this
    if (waited) words[W.getters]!--
    const depth = this.depth()
    if (depth === 0) {
      if (willWait) words[W.getters]!++
      return { taken: null, depth: 0, sleepOn: words[W.putSeq]!, wakePutter: false, wakeGetter: false }
    }
    let head = words[W.head]!
    if (this.word(head) === WRAP) head = 0
    const first = this.word(head)
    let taken: Taken
    let length: number
    if (first === STASHED) {
      taken = { kind: 'stashed', owner: this.word(head + 4), seq: this.word(head + 8) }
      length = 8
    } else {
      length = first
      taken = { kind: 'item', bytes: this.bytes.slice(this.base + head + 4, this.base + head + 4 + length) }
    }
    Atomics.store(words, W.head, (head + 4 + align4(length)) % this.cap)
    Atomics.add(words, W.gets, 1)
    Atomics.add(words, W.getSeq, 1)
    this.countForProcess(2)
    return { taken, depth: depth - 1, sleepOn: 0, wakePutter: words[W.putters]! > 0 && this.roomForPutters(depth - 1), wakeGetter: depth > 1 && words[W.getters]! > 0 }
  }

  /**
   * The first `n` items without taking them, and how many there are. For a paused run (issue 17),
   * whose processes are stopped: read without the lock, from the head as published; a record that
   * does not look whole ends the list early rather than be misread.
   */
  peek(n: number): { items: Taken[]; depth: number } {
    const depth = this.depth()
    const items: Taken[] = []
    let head = Atomics.load(this.words, W.head)
    while (items.length < Math.min(n, depth)) {
      if (this.word(head) === WRAP) head = 0
      const first = this.word(head)
      const length = first === STASHED ? 8 : first
      if (length < 0 || head + 4 + length > this.cap) break
      items.push(first === STASHED ? { kind: 'stashed', owner: this.word(head + 4), seq: this.word(head + 8) } : { kind: 'item', bytes: this.bytes.slice(this.base + head + 4, this.base + head + 4 + length) })
      head = (head + 4 + align4(length)) % this.cap
    }
    return { items, depth }
  }

  /** Whose operations to count: the caller's holder id (its pid); set once per process, before the first put or get. */
  countAs(pid: number): void {
    this.holderPid = pid
  }
  private holderPid = 0

  /** Under the lock: one more put (1) or get (2) in this process's slot. */
  private countForProcess(which: 1 | 2): void {
    if (this.holderPid === 0) return
    if (this.slot === null) this.slot = this.claimSlot()
    if (this.slot >= 0) this.words[this.slot + which]!++
  }

  private claimSlot(): number {
    const { words } = this
    let free = -1
    for (let i = 0; i < PROCESS_SLOTS; i++) {
      const at = SLOTS_AT + i * 3
      if (words[at] === this.holderPid) return at
      if (free < 0 && words[at] === 0) free = at
    }
    if (free >= 0) Atomics.store(words, free, this.holderPid)
    return free
  }

  /**
   * For the broker, once process `pid` is gone: its counts of puts and gets (null if it had no
   * slot), and its slot freed (counts cleared first, the pid last, as claimers look at the pid).
   */
  takeProcessCounts(pid: number): { puts: number; gets: number } | null {
    const { words } = this
    for (let i = 0; i < PROCESS_SLOTS; i++) {
      const at = SLOTS_AT + i * 3
      if (words[at] !== pid) continue
      const counts = { puts: words[at + 1]!, gets: words[at + 2]! }
      words[at + 1] = 0
      words[at + 2] = 0
      Atomics.store(words, at, 0)
      return counts
    }
    return null
  }

  /** Watches the counters without the lock for up to `ms` or until an item is there. */
  watchForItems(ms: number): void {
    const until = performance.now() + ms
    do {
      for (let i = 0; i < 64; i++) if (this.depth() > 0) return
    } while (performance.now() < until)
  }

  /** A getter or putter gave up waiting (timeout) while holding the lock: no longer counted. */
  stopWaiting(kind: 'get' | 'put'): void {
    this.words[kind === 'get' ? W.getters : W.putters]!--
  }

  /** Whether someone of the kind is counted asleep (read without the lock: a hint). */
  sleepers(kind: 'get' | 'put'): number {
    return Atomics.load(this.words, kind === 'get' ? W.getters : W.putters)
  }

  /**
   * Sleeps until the other side acts (or `timeoutMs`): first blocking this thread for up to
   * `blockingMs` (a kernel wait only: a backoff would spin), then off the thread.
   */
  async sleep(kind: 'get' | 'put', expected: number, timeoutMs: number, blockingMs = 0): Promise<void> {
    const index = kind === 'get' ? W.putSeq : W.getSeq
    if (blockingMs > 0 && this.segment.waitKind !== 'backoff') {
      const started = performance.now()
      if (this.segment.wait(index, expected, Math.min(blockingMs, timeoutMs)) !== 'timed-out') return
      timeoutMs -= performance.now() - started
      if (timeoutMs <= 0) return
    }
    await this.segment.waitAsync(index, expected, timeoutMs)
  }

  /** Wakes one getter (after a put) or one putter (after a get); Infinity wakes all. */
  wake(kind: 'get' | 'put', count = 1): void {
    this.segment.wake(kind === 'get' ? W.putSeq : W.getSeq, count)
  }

  /**
   * For the broker, while the dead `holder` still holds the lock (nobody else can take it): makes
   * the counters agree with the records between head and tail, finishing a put whose tail was
   * published or a get whose head was. Returns what it changed, for the log.
   */
  repairAfterDeath(): string | null {
    const { words } = this
    let records = 0
    let at = words[W.head]!
    const tail = words[W.tail]!
    while (at !== tail && records <= this.cap) {
      if (this.word(at) === WRAP) {
        at = 0
        continue
      }
      const first = this.word(at)
      at = (at + 4 + align4(first === STASHED ? 8 : first)) % this.cap
      records++
    }
    const depth = this.depth()
    if (records === depth) return null
    // One step was cut short: a put (its record is there, the count is not) or a get (the other way).
    if (records > depth) words[W.puts] = (words[W.gets]! + records) | 0
    else words[W.gets] = (words[W.puts]! - records) | 0
    return `counted ${records} items where the counters said ${depth}`
  }

  /** Frees the lock of a dead process (after repairAfterDeath) and wakes everyone to look again. */
  sweep(holder: number): boolean {
    const abandoned = this.lock.sweepDeadHolder(holder)
    this.wake('get', Infinity)
    this.wake('put', Infinity)
    return abandoned
  }

  /**
   * Whether a get should wake a putter: always below maxsize (a bounded queue's blocked put goes on
   * as soon as there is a slot, as Python's); otherwise only once half the ring is free or the queue
   * is empty. Waking a putter at every get that freed one item's room made producer and consumer
   * take turns, one sleep and one wake per item, once the ring had filled.
   */
  private roomForPutters(depthAfter: number): boolean {
    const { words, cap } = this
    const maxsize = words[W.maxsize]!
    if (maxsize > 0 && depthAfter < maxsize) return true
    const used = (words[W.tail]! - words[W.head]! + cap) % cap
    return depthAfter === 0 || used <= cap >> 1
  }

  /** Where a record of `size` bytes goes, or -1 when it does not fit (one byte is always left free, so head = tail means empty). */
  private placeFor(size: number): number {
    const { words, cap } = this
    const head = words[W.head]!
    const tail = words[W.tail]!
    if (tail >= head) {
      if (tail + size < cap || (tail + size === cap && head > 0)) return tail
      return size < head ? 0 : -1
    }
    return tail + size < head ? tail : -1
  }

  private word(at: number): number {
    return this.words[HEADER_END + (at >> 2)]!
  }

  private setWord(at: number, value: number): void {
    this.words[HEADER_END + (at >> 2)] = value
  }
}
