// A Value or an Array in the broker. Its numbers live in a shared memory segment that the lab
// processes read and write without messages; the broker maps it too, for what only it can do:
// read the access counters for the UI (a few times a second and at run end), free the lock of a
// process that died holding it (lock.abandoned), and unlink the segment when the run ends.
import { SharedLock, SharedSegment, type SegmentAddress } from '../../shm'
import { ACQUIRES, CONTENDED, clockSlots, counterWords, described, LOCK_WORD, READS, readCount, sharedClockMs, WRITES } from '../../shm/value-layout'
import { unknownMethod, type BrokerObject, type Call, type Caller, type ObjectEnv } from './base'

/** How often the counters are read for the UI while the run goes on, and the holders' clock ticks. */
const TICK_MS = 100

interface Counts {
  reads: number
  writes: number
  acquires: number
  contended: number
}

export class ValueObject implements BrokerObject {
  private readonly counters: Uint32Array
  private readonly lock: SharedLock | null
  /** [0] when the holder took the lock, [1] the clock this object ticks for the holders to copy. */
  private readonly clocks: Float64Array
  private last: Counts = { reads: 0, writes: 0, acquires: 0, contended: 0 }
  private readonly timer: ReturnType<typeof setInterval>
  private disposed = false

  private constructor(
    readonly oid: string,
    readonly type: 'value' | 'array',
    readonly name: string,
    private readonly segment: SharedSegment,
    hasLock: boolean,
    private readonly creator: { lid: string; pid: number },
    private readonly env: ObjectEnv,
  ) {
    this.counters = counterWords(segment)
    this.clocks = clockSlots(segment)
    this.clocks[1] = sharedClockMs()
    this.lock = hasLock ? new SharedLock(segment, LOCK_WORD) : null
    this.timer = setInterval(() => this.tick(), TICK_MS)
    this.timer.unref()
  }

  /** Opens the segment the creator made; an error message when the address is not one. */
  static open(oid: string, type: 'value' | 'array', name: string, options: Record<string, unknown>, creator: Caller, env: ObjectEnv): ValueObject | string {
    const address = options.address as SegmentAddress | undefined
    if (typeof address?.name !== 'string' || typeof address.size !== 'number') return `${type} ${name}: no shared memory address`
    let segment: SharedSegment
    try {
      segment = SharedSegment.open(address)
    } catch (error) {
      return `${type} ${name}: cannot open its shared memory: ${error instanceof Error ? error.message : String(error)}`
    }
    const found = described(segment)
    if (!found || found.kind !== options.kind || found.length !== options.length) {
      segment.close()
      return `${type} ${name}: its shared memory does not describe what it was created as`
    }
    return new ValueObject(oid, type, name, segment, found.lock, { lid: creator.lid, pid: creator.pid }, env)
  }

  call(method: string, _args: Record<string, unknown>, call: Call): void {
    unknownMethod(this, method, call)
  }

  processGone(lid: string, pid: number): void {
    if (this.disposed || !this.lock || pid <= 0) return
    const since = this.clocks[0]!
    if (!this.lock.sweepDeadHolder(pid)) return
    // Known to a tick: `since` is the clock as last ticked before the holder took the lock.
    const heldUs = since > 0 ? Math.max(0, Math.round((sharedClockMs() - since) * 1000)) : 0
    this.env.emit({ lid, pid }, { kind: 'lock.abandoned', heldUs })
  }

  /** At run end: the last counts (every process has ended, so they are final), then unmap and unlink. */
  dispose(): void {
    if (this.disposed) return
    clearInterval(this.timer)
    this.reportCounts()
    this.disposed = true
    this.segment.unlink()
    this.segment.close()
  }

  private tick(): void {
    if (this.disposed) return
    this.clocks[1] = sharedClockMs()
    this.reportCounts()
  }

  /** Emits the totals when they moved since the last report. */
  private reportCounts(): void {
    if (this.disposed) return
    const now: Counts = {
      reads: readCount(this.counters, READS),
      writes: readCount(this.counters, WRITES),
      acquires: readCount(this.counters, ACQUIRES),
      contended: readCount(this.counters, CONTENDED),
    }
    const last = this.last
    if (now.reads === last.reads && now.writes === last.writes && now.acquires === last.acquires && now.contended === last.contended) return
    this.last = now
    this.env.emit(this.creator, { kind: 'value.counts', ...now })
  }
}
