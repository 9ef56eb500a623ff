// Locks, semaphores, events, conditions and barriers shared between lab processes (Python's
// multiprocessing.synchronize). The broker in the host holds their state, serves waiters in
// arrival order, and releases what a dead process held (reported as abandoned).
import { labContext } from './context'
import { ProcessError } from './errors'
import { SharedObject, handleFor, type ObjectRef } from './objects'
import type { TargetRef } from './protocol'
import { notExportedMessage, targetRefFor, type ModuleTarget } from './reduction'
import { checkTimeout, waitLimit, type WaitOptions } from './timeouts'
import * as trace from './lock-trace'
import { watchWait } from './waits'
import { LockWord } from './shm/lock-word'
import { beforeOperation, gate } from './step-gate'
import type { SegmentAddress } from './shm/segment'
import { SharedMemoryError } from '../platform/shared-memory'

export interface NameOption {
  /** Shown in the UI and in events; defaults to e.g. Lock-3. */
  name?: string
}

abstract class SemaphoreLike extends SharedObject {
  /** Holds this process has (acquired here, not yet released): releases of those cannot fail. */
  declare private heldHere: number

  /** Resolves true once acquired; false if `block: false` or the timeout ran out first. */
  acquire(options?: WaitOptions): Promise<boolean> {
    return gate('lock.acquire', this.oid, () => this.acquireNow(options))
  }

  protected async acquireNow(options?: WaitOptions): Promise<boolean> {
    const granted = await this.call<boolean>('acquire', { timeout: waitLimit(options, `${this.constructor.name}.acquire`) })
    if (granted) this.heldHere = (this.heldHere ?? 0) + 1
    return granted
  }

  /**
   * Rejects where Python raises: releasing what is not held, or a bounded semaphore above its
   * value. A release that cannot fail (this process holds it, or a plain Semaphore) does not wait
   * for the broker: it resolves once the message has left this process, saving a round trip.
   */
  release(): Promise<void> {
    return gate('lock.release', this.oid, () => this.releaseNow())
  }

  protected releaseNow(): Promise<void> {
    if ((this.heldHere ?? 0) > 0 || this.type === 'semaphore') {
      if (this.heldHere > 0) this.heldHere--
      return this.tellWritten('release')
    }
    return this.call('release')
  }

  /** Runs `fn` holding the lock, and releases it however `fn` ends (Python's `with lock:`). */
  async withLock<T>(fn: () => T | Promise<T>): Promise<T> {
    await this.acquire()
    try {
      return await fn()
    } finally {
      await this.release()
    }
  }
}

/**
 * Python's Lock. Where shared memory works, it is a word in a segment every process maps (issue
 * 15): an acquire that finds it free and its release send no message; a contender asks the broker,
 * which queues waiters in arrival order and hands the word over (see shm/lock-word.ts and
 * docs/shared-memory.md). Elsewhere, and in a process that cannot map the segment, the broker
 * holds the state as before, with the same API.
 */
export class Lock extends SemaphoreLike {
  /** The segment's address; null: a brokered lock (no shared memory where it was made). */
  declare private shm: SegmentAddress | null
  /** The mapped word; null: this process goes to the broker for everything. */
  declare private word: LockWord | null
  /** When this process took its current hold (µs), and whether that hold is traced event by event. */
  declare private hold: { readonly since: number; readonly how: 'traced' | 'summarised' | 'granted' } | null
  /** Events of holds taken here, not sent yet. */
  declare private events: trace.LockTrace | undefined

  constructor(options: NameOption = {}) {
    super()
    const word = createLockWord()
    defineHidden(this, { shm: word?.address ?? null, word, hold: null, events: undefined })
    this.register('lock', options.name, word ? { value: 1, shm: word.address } : { value: 1 })
  }

  protected override acquireNow(options?: WaitOptions): Promise<boolean> {
    const word = this.mappedWord()
    if (!word) return super.acquireNow(options)
    let limit: number | null = null
    if (options !== undefined) {
      try {
        limit = waitLimit(options, 'Lock.acquire')
      } catch (error) {
        return Promise.reject(error as Error)
      }
    }
    if (word.tryTake(PID, limit !== 0)) {
      this.tookHere(word)
      return TRUE
    }
    if (limit === 0) {
      const at = trace.now()
      // A refused try: no hold to order, so the events go unnumbered.
      this.traced().record(trace.TRACE.request, 0, at, 0)
      this.traced().record(trace.TRACE.timeout, 0, at, 0)
      return FALSE
    }
    return this.acquireThroughBroker(limit)
  }

  /** Contended: the broker queues us in arrival order and hands the word over (it reports the request and the grant). */
  private async acquireThroughBroker(limit: number | null): Promise<boolean> {
    this.traced().flush()
    const granted = await this.call<boolean>('acquire', { timeout: limit })
    if (granted) this.hold = { since: trace.now(), how: 'granted' }
    return granted
  }

  protected override releaseNow(): Promise<void> {
    const word = this.mappedWord()
    if (!word) return super.releaseNow()
    // The common case first, in one exchange: a counted hold, nobody waiting.
    if (this.hold === SUMMARISED_HOLD && word.tryGiveBack(PID)) {
      this.hold = null
      this.traced().countRelease()
      return DONE
    }
    const id = PID
    // Not ours (free, or another's): the broker decides, as Python lets any process release a Lock.
    if (word.holder() !== id) return this.call('release', {})
    const hold = this.hold
    this.hold = null
    // A hold the broker granted (or one this handle does not know of: a Condition's wait took it
    // back in the broker) ends in the broker too: it keeps W set on what it grants, and reports it.
    if (!hold || hold.how === 'granted') return this.tellWritten('release', { reported: false })
    if (hold.how === 'traced') {
      const at = trace.now()
      this.traced().record(trace.TRACE.release, word.takeSeq(1), at, at - hold.since)
    } else this.traced().countRelease()
    if (word.tryGiveBack(id)) return DONE
    // W is set: only the broker writes the word now; it hands it to the first waiter. This process
    // reported the release (sent first: same socket, so the broker has it before the release).
    this.traced().flush()
    return this.tellWritten('release', { reported: true })
  }

  locked(): Promise<boolean> {
    const word = this.mappedWord()
    // With the waiters bit set the broker owns the word: a release on its way to the broker (sent
    // by a process that then exited) is not in the word yet, so the broker answers.
    if (word && !word.hasWaitersBit()) return Promise.resolve(word.holder() !== 0)
    return this.call<boolean>('locked')
  }

  /** @internal For Condition.wait: the broker ends this hold and grants the next; their releases end in the broker. */
  forgetHold(): void {
    this.hold = null
  }

  /**
   * A hold taken in place (waited ~0: the word was free). Summarised holds read no clock: at
   * ~0.2 µs a read on this machine, the clock would be the costliest part of the operation.
   */
  private tookHere(word: LockWord): void {
    if (trace.canTrace()) {
      const at = trace.now()
      const seq = word.takeSeq(2)
      const events = this.traced()
      events.record(trace.TRACE.request, seq, at, 0)
      events.record(trace.TRACE.acquire, seq + 1, at, 0)
      this.hold = { since: at, how: 'traced' }
    } else {
      this.traced().countAcquire()
      this.hold = SUMMARISED_HOLD
    }
  }

  private traced(): trace.LockTrace {
    return (this.events ??= new trace.LockTrace(this.oid))
  }

  private mappedWord(): LockWord | null {
    return this.word
  }

  protected override refExtra(): Record<string, unknown> {
    return this.shm ? { shm: this.shm } : {}
  }

  protected override adopt(extra: Record<string, unknown>): void {
    const shm = (extra.shm as SegmentAddress | undefined) ?? null
    // Mapped now, as the handle arrives (before the target runs): the first map in a process loads
    // koffi (20-120 ms on this machine), which a first acquire({ block: false }) should not wait for.
    defineHidden(this, { shm, word: shm ? openLockWord(shm) : null, hold: null, events: undefined })
  }
}

// Settled answers of the fast path, shared: no promise made per operation.
const TRUE = Promise.resolve(true)
const FALSE = Promise.resolve(false)
const DONE = Promise.resolve()
const SUMMARISED_HOLD = { since: 0, how: 'summarised' } as const
/** The holder id in the word (process.pid is an accessor: read once). */
const PID = process.pid

function createLockWord(): LockWord | null {
  try {
    return LockWord.create()
  } catch (error) {
    if (error instanceof SharedMemoryError) return null
    throw error
  }
}

/** Null when this process cannot map it: then every operation goes to the broker, which works on the word for it. */
function openLockWord(address: SegmentAddress): LockWord | null {
  try {
    return LockWord.open(address)
  } catch (error) {
    if (error instanceof SharedMemoryError) return null
    throw error
  }
}

function defineHidden(target: object, fields: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(fields)) Object.defineProperty(target, key, { value, writable: true, enumerable: false, configurable: true })
}

/** A lock its owner process may acquire again; it must release as many times. */
export class RLock extends SemaphoreLike {
  constructor(options: NameOption = {}) {
    super()
    this.register('rlock', options.name, { value: 1 })
  }

  locked(): Promise<boolean> {
    return this.call<boolean>('locked')
  }
}

export class Semaphore extends SemaphoreLike {
  constructor(value = 1, options: NameOption = {}) {
    super()
    if (!Number.isInteger(value) || value < 0) throw new TypeError(`Semaphore value must be a whole number ≥ 0, got ${String(value)}`)
    this.register(this instanceof BoundedSemaphore ? 'bounded-semaphore' : 'semaphore', options.name, { value })
  }

  getValue(): Promise<number> {
    return this.call<number>('getValue')
  }
}

/** A semaphore that may not be released above its initial value. */
export class BoundedSemaphore extends Semaphore {}

export class Event extends SharedObject {
  constructor(options: NameOption = {}) {
    super()
    this.register('event', options.name, {})
  }

  set(): Promise<void> {
    return gate('event.set', this.oid, () => this.call('set'))
  }

  clear(): Promise<void> {
    return this.call('clear')
  }

  isSet(): Promise<boolean> {
    return this.call<boolean>('isSet')
  }

  /** Resolves true once the flag is set; false if the timeout ran out first. */
  wait(timeoutMs?: number): Promise<boolean> {
    const timeout = checkTimeout(timeoutMs, 'Event.wait')
    return gate('event.wait', this.oid, () => watchWait({ on: 'event', object: this.oid, timeoutMs: timeout }, this.call<boolean>('wait', { timeout }), timedOutIfFalse))
  }
}

export class Condition extends SharedObject {
  declare private lock: Lock | RLock

  constructor(lock?: Lock | RLock, options: NameOption = {}) {
    super()
    if (lock !== undefined && !(lock instanceof Lock) && !(lock instanceof RLock)) throw new TypeError('Condition(lock): lock must be a Lock or an RLock')
    Object.defineProperty(this, 'lock', { value: lock ?? new RLock(), enumerable: false })
    this.register('condition', options.name, { lock: this.lock.oid })
  }

  acquire(options?: WaitOptions): Promise<boolean> {
    return this.lock.acquire(options)
  }

  release(): Promise<void> {
    return this.lock.release()
  }

  withLock<T>(fn: () => T | Promise<T>): Promise<T> {
    return this.lock.withLock(fn)
  }

  /** Releases the lock, waits to be notified (or the timeout), then holds the lock again. */
  wait(timeoutMs?: number): Promise<boolean> {
    const timeout = checkTimeout(timeoutMs, 'Condition.wait')
    return gate('condition.wait', this.oid, () => {
      // The broker releases and retakes the lock: the hold this handle knew of ends there.
      if (this.lock instanceof Lock) this.lock.forgetHold()
      return watchWait({ on: 'condition', object: this.oid, timeoutMs: timeout }, this.call<boolean>('wait', { timeout }), timedOutIfFalse)
    })
  }

  /** Waits until `predicate()` is truthy, at most timeoutMs in all; returns its last value. */
  async waitFor<T>(predicate: () => T | Promise<T>, timeoutMs?: number): Promise<T> {
    const limit = checkTimeout(timeoutMs, 'Condition.waitFor')
    const deadline = limit === null ? null : performance.now() + limit
    let result = await predicate()
    while (!result) {
      const remaining = deadline === null ? undefined : deadline - performance.now()
      if (remaining !== undefined && remaining <= 0) break
      await this.wait(remaining)
      result = await predicate()
    }
    return result
  }

  notify(n = 1): Promise<void> {
    if (!Number.isInteger(n) || n < 0) throw new TypeError(`Condition.notify(n): n must be a whole number ≥ 0, got ${String(n)}`)
    return gate('condition.notify', this.oid, () => this.call('notify', { n }))
  }

  notifyAll(): Promise<void> {
    return gate('condition.notify', this.oid, () => this.call('notify', { n: Number.MAX_SAFE_INTEGER }))
  }

  protected override refExtra(): Record<string, unknown> {
    return { lock: this.lock.toRef() }
  }

  protected override adopt(extra: Record<string, unknown>): void {
    Object.defineProperty(this, 'lock', { value: handleFor(extra.lock as ObjectRef), enumerable: false })
  }
}

export interface BarrierOptions extends NameOption {
  /** Runs once per pass, in the last process to arrive: an exported function, as a Process target. */
  action?: ((...args: never[]) => unknown) | ModuleTarget
  /** Default timeout of wait(), in ms. */
  timeout?: number
}

export class Barrier extends SharedObject {
  declare readonly parties: number
  declare private action: TargetRef | null
  declare private defaultTimeout: number | null

  constructor(parties: number, options: BarrierOptions = {}) {
    super()
    if (!Number.isInteger(parties) || parties < 1) throw new TypeError(`Barrier(parties): parties must be a whole number ≥ 1, got ${String(parties)}`)
    Object.defineProperties(this, {
      parties: { value: parties, enumerable: false },
      action: { value: actionRef(options.action), enumerable: false },
      defaultTimeout: { value: checkTimeout(options.timeout, 'Barrier timeout'), enumerable: false },
    })
    this.register('barrier', options.name, { parties })
  }

  /** How many processes wait at the barrier now. */
  get nWaiting(): Promise<number> {
    return this.call<number>('nWaiting')
  }

  get broken(): Promise<boolean> {
    return this.call<boolean>('broken')
  }

  /** Waits for all parties; resolves with this process's arrival index (0 … parties-1). */
  async wait(timeoutMs?: number): Promise<number> {
    const timeout = timeoutMs === undefined ? this.defaultTimeout : checkTimeout(timeoutMs, 'Barrier.wait')
    const gated = beforeOperation('barrier.wait', this.oid)
    if (gated) await gated
    const answer = await watchWait({ on: 'barrier', object: this.oid, timeoutMs: timeout }, this.call<{ index: number; runAction: boolean }>('wait', { timeout }))
    if (answer.runAction) {
      try {
        await runAction(this.action)
      } catch (error) {
        await this.call('actionDone', { ok: false, error: error instanceof Error ? error.message : String(error) })
        throw error
      }
      await this.call('actionDone', { ok: true })
    }
    return answer.index
  }

  abort(): Promise<void> {
    return this.call('abort')
  }

  reset(): Promise<void> {
    return this.call('reset')
  }

  protected override refExtra(): Record<string, unknown> {
    return { parties: this.parties, action: this.action, timeout: this.defaultTimeout }
  }

  protected override adopt(extra: Record<string, unknown>): void {
    Object.defineProperties(this, {
      parties: { value: extra.parties, enumerable: false },
      action: { value: extra.action ?? null, enumerable: false },
      defaultTimeout: { value: extra.timeout ?? null, enumerable: false },
    })
  }
}

function actionRef(action: BarrierOptions['action']): TargetRef | null {
  if (action === undefined) return null
  const context = labContext()
  if (typeof action === 'function') {
    const ref = targetRefFor(context.namespace ?? {}, context.scriptUrl, action, 'function')
    if (!ref) throw new TypeError(notExportedMessage({ what: 'Barrier action', optionKey: 'action', value: action, script: context.script }))
    return ref
  }
  if (typeof action?.module !== 'string' || typeof action.export !== 'string') throw new TypeError('Barrier action must be an exported function or { module, export }')
  return { module: new URL(action.module, context.scriptUrl).href, export: action.export, kind: 'function' }
}

async function runAction(ref: TargetRef | null): Promise<void> {
  if (!ref) return
  const context = labContext()
  const module = ref.module === context.scriptUrl && context.namespace ? context.namespace : ((await import(ref.module)) as Record<string, unknown>)
  const action = module[ref.export]
  if (typeof action !== 'function') throw new ProcessError(`Barrier action '${ref.export}' is not an exported function of ${ref.module}`)
  await (action as () => unknown)()
}

for (const [type, constructor] of [
  ['lock', Lock],
  ['rlock', RLock],
  ['semaphore', Semaphore],
  ['bounded-semaphore', BoundedSemaphore],
  ['event', Event],
  ['condition', Condition],
  ['barrier', Barrier],
] as const) {
  SharedObject.defineRebuild(type, constructor.prototype)
}

/** Event.wait and Condition.wait answer false when their limit ran out. */
function timedOutIfFalse(notified: boolean): 'done' | 'timeout' {
  return notified ? 'done' : 'timeout'
}
