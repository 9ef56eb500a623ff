// The public Lock on a shared-memory word (issue 15), as the broker sees it. Lab processes take a
// free word and give it back without a message (lab/synchronize.ts, shm/lock-word.ts); they come
// here when it is taken. The broker then sets W on the word, after which only it writes the word:
// it queues waiters in arrival order, and when the holder sends its release it hands the word to
// the first. When a process dies holding the word (its pid is in it), the broker frees it, reports
// it abandoned, and hands it on.
//
// Telemetry: the events of holds taken in place arrive in batches (`trace`), numbered by the lock's
// sequence word; the broker numbers its own from the same word and emits all in that order
// (lock-events.ts). A waiter's lock.request is emitted right after the last event numbered when it
// was queued (the current holder's acquire), stamped with the time it arrived here: emitted on
// arrival, it could land before that acquire, still in its process's batch.
import { startTimer, timeoutArg, unknownMethod, type BrokerObject, type Call, type Caller, type ObjectEnv, type ObjectEvent } from './base'
import { Deque } from './deque'
import type { LockWaitState } from '../wait-for'
import { LockEventOrder } from './lock-events'
import { HOLDER_MASK, LockWord, WAITERS_BIT } from '../../shm/lock-word'
import type { SegmentAddress } from '../../shm/segment'
import { RECORD_FIELDS, TRACE, type TraceArgs } from '../../lock-trace-format'

interface Waiter {
  caller: Caller
  since: number
  /** Emits its lock.request once (see acquire). */
  request(): void
  grant(): void
  cancel(): void
}

type Who = { lid: string; pid: number }

/** How long a live process's batch may take to arrive (it is sent within one tick of its holds). */
const LOST_EVENTS_GRACE_MS = 1000

export class ShmLockObject implements BrokerObject {
  readonly type = 'lock'
  private readonly word: LockWord
  private readonly waiters = new Deque<Waiter>()
  private readonly order = new LockEventOrder()
  /** Set when a Condition uses this lock: W stays set, so every operation comes here. */
  private pinned = false
  /** The last acquire emitted per pid: who and since when (for heldUs of releases done here). */
  private readonly holds = new Map<number, Who & { since: number }>()
  /** Pending skips of numbers a dead process took (skipLostLater). */
  private readonly skips = new Set<ReturnType<typeof setTimeout>>()

  constructor(
    readonly oid: string,
    readonly name: string,
    address: SegmentAddress,
    private readonly env: ObjectEnv,
  ) {
    this.word = LockWord.open(address)
  }

  call(method: string, args: Record<string, unknown>, call: Call): void {
    switch (method) {
      case 'acquire': {
        const timeout = timeoutArg(args, call)
        if (timeout === undefined) return
        return this.acquire(call.caller, timeout, (granted) => call.reply(granted))
      }
      case 'release': {
        const error = this.release(call.caller, args.reported === true)
        return error ? call.fail('ProcessError', error) : call.reply()
      }
      case 'locked':
        return call.reply(this.word.holder() !== 0)
      default:
        return unknownMethod(this, method, call)
    }
  }

  tell(method: string, args: Record<string, unknown>, caller: Caller): void {
    if (method === 'trace') return this.ingest(caller, args as unknown as TraceArgs)
    if (method !== 'release') return unknownMethod(this, method)
    const error = this.release(caller, args.reported === true)
    if (error) this.env.warn(error)
  }

  /** Acquires for `caller`; `done(true)` once held, `done(false)` on timeout. */
  acquire(caller: Caller, timeout: number | null, done: (granted: boolean) => void, _depth = 1): void {
    const since = this.env.now()
    for (;;) {
      if (this.waiters.length === 0 && this.takeFor(caller.pid)) {
        this.reportGrant(caller, since)
        return done(true)
      }
      if (timeout === 0) {
        this.env.emit(caller, { kind: 'lock.request' }, since)
        this.env.emit(caller, { kind: 'lock.timeout', waitedUs: 0 })
        return done(false)
      }
      // Waiters queued means W is set already; otherwise set it, unless the word went free meanwhile.
      if (this.waiters.length > 0 || this.markWaiters()) break
    }
    // Its request shows while the hold it waits for shows open: right after the last event
    // numbered so far (the current holder's acquire), before that holder's release.
    let requested = false
    const request = () => {
      if (requested) return
      requested = true
      this.env.emit(caller, { kind: 'lock.request' }, since)
    }
    this.order.after(this.word.lastSeq(), request)
    const waiter: Waiter = {
      caller,
      since,
      request,
      grant: () => {
        cancelTimer()
        request()
        this.reportGrant(caller, since, false)
        done(true)
      },
      cancel: () => cancelTimer(),
    }
    const cancelTimer = startTimer(timeout, () => {
      this.waiters.removeWhere((w) => w === waiter)
      request()
      this.env.emit(caller, { kind: 'lock.timeout', waitedUs: this.env.now() - since })
      done(false)
    })
    this.waiters.push(waiter)
  }

  /**
   * Releases for `caller` (the holder, or any process: Python lets any process release a Lock);
   * `reported`: the holder recorded its release event itself. Returns an error where Python raises.
   */
  release(caller: Caller, reported = false): string | null {
    for (;;) {
      const seen = this.word.load()
      const holder = seen & HOLDER_MASK
      if (holder === 0) return `cannot release ${this.name}: it is not locked`
      const mine = holder === caller.pid
      if (seen & WAITERS_BIT) {
        // Only the broker writes the word now: nobody can race us.
        if (!(mine && reported)) this.reportRelease(holder, caller)
        this.handOff()
        return null
      }
      // A hold taken in place, released here (by another process, or by one that cannot map the
      // segment). Its holder may give it back at the same moment: the exchange decides.
      if (this.word.compareExchange(seen, 0) === seen) {
        if (!(mine && reported)) this.reportRelease(holder, caller, false)
        return null
      }
    }
  }

  /** For a Condition: releases the caller's hold; returns the depth (1) or an error. */
  releaseAll(caller: Caller): number | string {
    if (!this.isHeldBy(caller.lid, caller.pid)) return `cannot wait on ${this.name}: this process does not hold its lock`
    return this.release(caller) ?? 1
  }

  isHeldBy(_lid: string, pid?: number): boolean {
    return pid !== undefined && this.word.holder() === pid
  }

  /**
   * Waiters are queued here only with W set on the word, and with W set only the broker changes
   * the word: its holder is exact then, though the holds taken in place before it may not have
   * been reported yet (their batch still on its way).
   */
  waitState(): LockWaitState | null {
    if (this.waiters.length === 0) return null
    const pid = this.word.holder()
    // A pid the registry does not know (not a live lab process) could be anyone: no holder known.
    const holder = pid === 0 ? undefined : this.env.processWithPid(pid)
    return { object: this.oid, holders: holder ? [holder] : [], waiters: [...this.waiters].map((w) => w.caller) }
  }

  /** A Condition uses this lock: from now on every operation comes to the broker (W stays set). */
  pin(): void {
    this.pinned = true
    for (;;) {
      const seen = this.word.load()
      if (seen & WAITERS_BIT || this.word.compareExchange(seen, seen | WAITERS_BIT) === seen) return
    }
  }

  processGone(lid: string, pid: number): void {
    for (const waiter of this.waiters.removeWhere((w) => w.caller.lid === lid)) {
      waiter.cancel()
      waiter.request()
      this.env.emit(waiter.caller, { kind: 'lock.cancel', waitedUs: this.env.now() - waiter.since })
    }
    const seen = this.word.load()
    if ((seen & HOLDER_MASK) === pid && pid !== 0) {
      const hold = this.holds.get(pid)
      const seq = this.word.takeSeq(1)
      const at = this.env.now()
      this.order.add(seq, () => this.env.emit({ lid, pid }, { kind: 'lock.abandoned', heldUs: hold ? at - hold.since : 0 }, at))
      // With W set only the broker writes the word; without it, nobody else may change a held word.
      if (seen & WAITERS_BIT) this.handOff()
      else this.word.store(this.pinned ? WAITERS_BIT : 0)
    }
    this.holds.delete(pid)
    if (this.order.held > 0) this.skipLostLater()
  }

  /**
   * A process that died may have taken numbers it never sent (at most one tick's batch, if it was
   * killed): later events must not wait for them forever. But a gap may as well be a live
   * process's batch on its way, which a busy machine delays: skip only the numbers taken before
   * the death, and only after a grace in which every live batch has arrived.
   */
  private skipLostLater(): void {
    const upTo = this.word.lastSeq()
    const timer = setTimeout(() => {
      this.skips.delete(timer)
      this.order.skipGaps(upTo)
    }, LOST_EVENTS_GRACE_MS)
    timer.unref?.()
    this.skips.add(timer)
  }

  dispose(): void {
    for (const timer of this.skips) clearTimeout(timer)
    this.skips.clear()
    // The run is over: whatever still waits is emitted, over any gap.
    this.order.skipGaps()
    this.word.segment.close()
    this.word.segment.unlink()
  }

  /** The word for `pid` if it is free. The broker's grants keep W set: their release comes back here. */
  private takeFor(pid: number): boolean {
    for (;;) {
      const seen = this.word.load()
      if ((seen & HOLDER_MASK) !== 0) return false
      if (this.word.compareExchange(seen, pid | WAITERS_BIT) === seen) return true
    }
  }

  /** Sets W on a held word; false if it was free. */
  private markWaiters(): boolean {
    for (;;) {
      const seen = this.word.load()
      if ((seen & HOLDER_MASK) === 0) return false
      if (seen & WAITERS_BIT || this.word.compareExchange(seen, seen | WAITERS_BIT) === seen) return true
    }
  }

  /** The word goes to the first waiter, or back to free. */
  private handOff(): void {
    const next = this.waiters.shift()
    if (!next) return this.word.store(this.pinned ? WAITERS_BIT : 0)
    this.word.store(next.caller.pid | WAITERS_BIT)
    next.grant()
  }

  /** Numbers and reports a grant (with its request, unless the waiter's was reported when queued). */
  private reportGrant(caller: Caller, since: number, withRequest = true): void {
    const at = this.env.now()
    if (withRequest) this.order.add(this.word.takeSeq(1), () => this.env.emit(caller, { kind: 'lock.request' }, since))
    this.order.add(this.word.takeSeq(1), () => this.emitAcquire(caller, at, at - since))
  }

  private reportRelease(holder: number, caller: Caller, ordered = true): void {
    const at = this.env.now()
    const hold = this.holds.get(holder)
    const who: Who = hold ?? caller
    const emit = () => this.env.emit(who, { kind: 'lock.release', heldUs: hold ? at - hold.since : 0 }, at)
    if (ordered) this.order.add(this.word.takeSeq(1), emit)
    else emit()
  }

  private emitAcquire(who: Who, at: number, waitedUs: number): void {
    this.holds.set(who.pid, { lid: who.lid, pid: who.pid, since: at })
    this.env.emit(who, { kind: 'lock.acquire', waitedUs }, at)
  }

  /** A batch of events a process recorded for holds it took in place. */
  private ingest(caller: Caller, args: TraceArgs): void {
    const records = Array.isArray(args.records) ? args.records : []
    for (let i = 0; i + RECORD_FIELDS <= records.length; i += RECORD_FIELDS) {
      const [kind, seq, at, us] = records.slice(i, i + RECORD_FIELDS) as [number, number, number, number]
      const event = this.eventFor(caller, kind, at, us)
      if (!event) continue
      if (seq > 0) this.order.add(seq, event)
      else event()
    }
    const summary = args.summary
    if (summary && (summary.acquires > 0 || summary.releases > 0)) {
      this.env.emit(caller, { kind: 'lock.summary', acquires: summary.acquires, releases: summary.releases })
    }
  }

  private eventFor(caller: Caller, kind: number, at: number, us: number): (() => void) | null {
    const event = (body: ObjectEvent) => () => this.env.emit(caller, body, at)
    switch (kind) {
      case TRACE.request:
        return event({ kind: 'lock.request' })
      case TRACE.acquire:
        return () => this.emitAcquire(caller, at, us)
      case TRACE.release:
        return event({ kind: 'lock.release', heldUs: us })
      case TRACE.timeout:
        return event({ kind: 'lock.timeout', waitedUs: us })
      default:
        return null
    }
  }
}
