// Lock, RLock, Semaphore and BoundedSemaphore in the broker: a counter, the processes holding it,
// and waiters served in arrival order. A hold whose process dies is released and reported as
// abandoned, and the next waiter gets it.
import type { SharedObjectType } from '../../../../src-shared/events'
import { startTimer, timeoutArg, unknownMethod, type BrokerObject, type Call, type Caller, type ObjectEnv } from './base'
import { Deque } from './deque'
import type { LockWaitState } from '../wait-for'

interface Hold {
  lid: string
  pid: number
  since: number
}

interface Waiter {
  caller: Caller
  since: number
  grant(): void
  cancel(): void
}

export class SemaphoreObject implements BrokerObject {
  private value: number
  private readonly initial: number
  /** Current holds, oldest first (an RLock's single owner holds `depth` times). */
  private readonly holds: Hold[] = []
  private depth = 0
  private readonly waiters = new Deque<Waiter>()

  constructor(
    readonly oid: string,
    readonly type: Extract<SharedObjectType, 'lock' | 'rlock' | 'semaphore' | 'bounded-semaphore'>,
    readonly name: string,
    value: number,
    private readonly env: ObjectEnv,
  ) {
    this.value = value
    this.initial = value
  }

  call(method: string, args: Record<string, unknown>, call: Call): void {
    switch (method) {
      case 'acquire': {
        const timeout = timeoutArg(args, call)
        if (timeout === undefined) return
        return this.acquire(call.caller, timeout, (granted) => call.reply(granted))
      }
      case 'release': {
        const error = this.release(call.caller)
        return error ? call.fail('ProcessError', error) : call.reply()
      }
      case 'locked':
        return call.reply(this.value === 0)
      case 'getValue':
        return call.reply(this.value)
      default:
        return unknownMethod(this, method, call)
    }
  }

  tell(method: string, _args: Record<string, unknown>, caller: Caller): void {
    if (method !== 'release') return unknownMethod(this, method)
    // Sent without waiting by a process that holds it; it can only fail if another process
    // released this Lock in between (Python allows that). Then there is no one to reject: say so.
    const error = this.release(caller)
    if (error) this.env.warn(error)
  }

  /** Acquires for `caller`; `done(true)` once held, `done(false)` on timeout. */
  acquire(caller: Caller, timeout: number | null, done: (granted: boolean) => void, restoreDepth = 1): void {
    const since = this.env.now()
    this.env.emit(caller, { kind: 'lock.request' })
    if (this.type === 'rlock' && this.holds[0]?.lid === caller.lid) {
      this.depth += restoreDepth
      this.env.emit(caller, { kind: 'lock.acquire', waitedUs: 0, depth: this.depth })
      return done(true)
    }
    if (this.value > 0 && this.waiters.length === 0) {
      this.take(caller, since, restoreDepth)
      return done(true)
    }
    if (timeout === 0) {
      this.env.emit(caller, { kind: 'lock.timeout', waitedUs: 0 })
      return done(false)
    }
    const waiter: Waiter = {
      caller,
      since,
      grant: () => {
        cancelTimer()
        this.take(caller, since, restoreDepth)
        done(true)
      },
      cancel: () => cancelTimer(),
    }
    const cancelTimer = startTimer(timeout, () => {
      this.waiters.removeWhere((w) => w === waiter)
      this.env.emit(caller, { kind: 'lock.timeout', waitedUs: this.env.now() - since })
      done(false)
    })
    this.waiters.push(waiter)
  }

  /** Releases one hold of `caller`; returns an error message where Python raises. */
  release(caller: Caller): string | null {
    if (this.type === 'rlock') {
      if (this.holds[0]?.lid !== caller.lid) return `cannot release ${this.name}: this process does not hold it (an RLock is released by its owner)`
      if (--this.depth > 0) {
        const hold = this.holds[0]!
        this.env.emit(hold, { kind: 'lock.release', heldUs: this.env.now() - hold.since, depth: this.depth })
        return null
      }
    } else if (this.type === 'lock' && this.value >= 1) {
      return `cannot release ${this.name}: it is not locked`
    } else if (this.type === 'bounded-semaphore' && this.value >= this.initial) {
      return `cannot release ${this.name}: a BoundedSemaphore may not be released above its initial value ${this.initial}`
    }
    // A Lock may be released by any process (as in Python); the hold released is the caller's, or the oldest.
    const index = Math.max(0, this.holds.findIndex((h) => h.lid === caller.lid))
    const [hold] = this.holds.splice(index, 1)
    this.value++
    if (hold) this.env.emit(hold, { kind: 'lock.release', heldUs: this.env.now() - hold.since })
    this.grantWaiters()
    return null
  }

  /** For a Condition: releases the owner's every hold at once; returns how deep it was held. */
  releaseAll(caller: Caller): number | string {
    if (!this.isHeldBy(caller.lid)) return `cannot wait on ${this.name}: this process does not hold its lock`
    const depth = this.type === 'rlock' ? this.depth : 1
    if (this.type === 'rlock') this.depth = 1
    const error = this.release(caller)
    return error ?? depth
  }

  waitState(): LockWaitState | null {
    if (this.waiters.length === 0) return null
    return { object: this.oid, holders: this.holds, waiters: [...this.waiters].map((w) => w.caller) }
  }

  isHeldBy(lid: string, _pid?: number): boolean {
    return this.holds.some((hold) => hold.lid === lid)
  }

  processGone(lid: string): void {
    for (const waiter of this.waiters.removeWhere((w) => w.caller.lid === lid)) {
      waiter.cancel()
      this.env.emit(waiter.caller, { kind: 'lock.cancel', waitedUs: this.env.now() - waiter.since })
    }
    let abandoned = false
    for (let i = this.holds.length - 1; i >= 0; i--) {
      const hold = this.holds[i]!
      if (hold.lid !== lid) continue
      this.holds.splice(i, 1)
      this.value++
      abandoned = true
      this.env.emit(hold, { kind: 'lock.abandoned', heldUs: this.env.now() - hold.since })
    }
    if (abandoned) {
      this.depth = 0
      this.grantWaiters()
    }
  }

  private take(caller: Caller, since: number, depth: number): void {
    this.value--
    this.holds.push({ lid: caller.lid, pid: caller.pid, since: this.env.now() })
    if (this.type === 'rlock') this.depth = depth
    // A Condition's waiter takes its RLock back as deep as it held it.
    this.env.emit(caller, depth > 1 ? { kind: 'lock.acquire', waitedUs: this.env.now() - since, depth } : { kind: 'lock.acquire', waitedUs: this.env.now() - since })
  }

  private grantWaiters(): void {
    while (this.value > 0 && this.waiters.length > 0) this.waiters.shift()!.grant()
  }
}
