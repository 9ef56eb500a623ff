// The broker's side of a Pipe's shared-memory rings: it maps the segment (so a message whose send
// resolved is in memory the host holds), tells readers about EOF and writers about a reader-less
// ring through the flags, frees the side locks of a process that died holding them, and turns the
// rings' exact counters into pipe.send / pipe.recv telemetry, summarised: one event per process
// and direction per interval, with `count` saying how many messages it stands for.
import type { Caller, ObjectEnv } from './base'
import { ringBase, type PipeRingAddress } from '../../pipe-ring'
import { ByteRing, READ_LOCK, READERS_GONE, WRITE_LOCK, WRITERS_GONE, type Frame, type RingCounts } from '../../shm/ring'
import { SharedLock } from '../../shm/lock'
import { SharedSegment } from '../../shm/segment'

type End = 0 | 1
type Who = { lid: string; pid: number }

/** How often the counters are read while the pipe lives (and once more when a process goes). */
const TELEMETRY_INTERVAL_MS = 100

const ZERO: RingCounts = { sent: 0, sentSized: 0, sentBytes: 0, received: 0, receivedSized: 0, receivedBytes: 0, lastWriter: 0, lastReader: 0 }

export function isRingAddress(value: unknown): value is PipeRingAddress {
  const address = value as PipeRingAddress | null
  return typeof address === 'object' && address !== null && typeof address.capacity === 'number' && typeof address.segment?.name === 'string' && typeof address.segment.size === 'number'
}

export class BrokerPipeRings {
  private readonly segment: SharedSegment
  /** rings[e]: what end e reads (the other end writes). */
  private readonly rings: [ByteRing, ByteRing]
  private readonly locks: SharedLock[]
  private readonly reported: [RingCounts, RingCounts] = [ZERO, ZERO]
  /** Lab processes by pid, as they attached: the counters name the last writer and reader by pid. */
  private readonly byPid = new Map<number, Who>()
  private timer: NodeJS.Timeout | null = null

  constructor(
    address: PipeRingAddress,
    private readonly creator: Who,
    private readonly env: ObjectEnv,
  ) {
    this.segment = SharedSegment.open(address.segment)
    this.rings = [new ByteRing(this.segment, ringBase(0, address.capacity)), new ByteRing(this.segment, ringBase(1, address.capacity))]
    this.locks = this.rings.flatMap((ring) => [new SharedLock(this.segment, ring.word(WRITE_LOCK)), new SharedLock(this.segment, ring.word(READ_LOCK))])
    this.byPid.set(creator.pid, creator)
    this.timer = setInterval(() => this.report(), TELEMETRY_INTERVAL_MS)
    this.timer.unref()
  }

  attached(who: Caller): void {
    this.byPid.set(who.pid, { lid: who.lid, pid: who.pid })
  }

  /** Nobody holds `end` any more: its readers' ring has no reader, the other end's readers reach EOF. */
  endGone(end: End): void {
    this.report(true)
    this.rings[end].setFlag(READERS_GONE)
    this.rings[(1 - end) as End].setFlag(WRITERS_GONE)
  }

  /** The first `n` frames of the ring end `end` reads, not received yet. */
  framesAhead(end: End, n: number): Frame[] {
    return this.rings[end].framesAhead(n)
  }

  /** Messages in the ring end `end` reads, sent and not yet received. */
  buffered(end: End): number {
    const counts = this.rings[end].counts()
    return counts.sent - counts.received
  }

  /** Messages received from both rings so far. */
  received(): number {
    return this.rings[0].counts().received + this.rings[1].counts().received
  }

  /** A process ended: free a side lock it held (it died mid-frame; the frame was never published). */
  processGone(lid: string, pid: number): void {
    this.byPid.set(pid, { lid, pid })
    for (const lock of this.locks) if (lock.sweepDeadHolder(pid)) this.env.warn(`pipe: process ${pid} died while it was writing or reading a frame; its lock on the ring was freed`)
    this.report(true)
  }

  /**
   * Emits what the counters added since the last report, as one event per direction and side. The
   * counters name the last writer and reader by pid: a process that got its end at birth may not
   * have attached yet, so the pid is looked up among the run's live processes too. One the broker
   * cannot name yet waits for the next report; the last ones (a process gone, the run's end) name
   * the creator if need be.
   */
  report(final = false): void {
    for (const end of [0, 1] as const) {
      const now = this.rings[end].counts()
      const before = this.reported[end]
      if (now.sent === before.sent && now.received === before.received) continue
      if (!final && ((now.sent !== before.sent && !this.known(now.lastWriter)) || (now.received !== before.received && !this.known(now.lastReader)))) continue
      this.reported[end] = now
      // Ring `end` is written by the other end and read by `end`.
      const writer = (1 - end) as End
      const sent = now.sent - before.sent
      if (sent > 0) {
        const sized = now.sentSized - before.sentSized
        this.env.emit(this.who(now.lastWriter), { kind: 'pipe.send', end: writer, bytes: sized > 0 ? now.sentBytes - before.sentBytes : null, count: sent, sized })
      }
      const received = now.received - before.received
      if (received > 0) {
        const sized = now.receivedSized - before.receivedSized
        this.env.emit(this.who(now.lastReader), { kind: 'pipe.recv', end, bytes: sized > 0 ? now.receivedBytes - before.receivedBytes : null, count: received, sized })
      }
    }
  }

  /** At run end: last counts, then unmap and unlink (the lab processes have gone). */
  dispose(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.report(true)
    this.segment.unlink()
    this.segment.close()
  }

  private known(pid: number): Who | undefined {
    let who = this.byPid.get(pid)
    if (who) return who
    who = this.env.processWithPid(pid)
    if (who) this.byPid.set(pid, who)
    return who
  }

  private who(pid: number): Who {
    return this.known(pid) ?? this.creator
  }
}
