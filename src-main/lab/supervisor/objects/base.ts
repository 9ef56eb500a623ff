// What every object in the broker shares: how calls arrive and are answered, how telemetry is
// emitted, and timers for waits with a timeout.
import type { EventBody, SharedObjectType } from '../../../../src-shared/events'
import type { LockWaitState } from '../wait-for'

/** The lab process on the other end of a message. */
export interface Caller {
  lid: string
  pid: number
  /** Pushes a message to this process about an object (a recall of leased items). */
  push(oid: string, method: string, args: unknown): void
}

/** One call waiting for its answer. */
export interface Call {
  caller: Caller
  reply(value?: unknown): void
  fail(errorName: string, message: string): void
}

type ObjectEventBody = Extract<EventBody, { object: string; lid: string }>
type Distribute<T> = T extends unknown ? Omit<T, 'lid' | 'pid' | 'object'> : never
export type ObjectEvent = Distribute<ObjectEventBody>

export interface ObjectEnv {
  /** Telemetry about this object, attributed to a process; `at`: when it happened (monotonic µs), if not now. */
  emit(who: { lid: string; pid: number }, event: ObjectEvent, at?: number): void
  /** Something went wrong that no call can be failed for: reported as a lab.error event. */
  warn(message: string): void
  /** Another object by id (a Condition's lock). */
  lookup(oid: string): BrokerObject | undefined
  /** Monotonic µs. */
  now(): number
  /** The live lab process with this pid, if any (shared memory names processes by pid). */
  processWithPid(pid: number): { lid: string; pid: number } | undefined
}

/** What an object holds, or one part of it (a pipe's direction: the end it goes to; null for a queue). */
export interface ObjectContents {
  part: number | null
  items: string[]
  total: number
}

export interface BrokerObject {
  readonly oid: string
  readonly type: SharedObjectType
  readonly name: string
  call(method: string, args: Record<string, unknown>, call: Call): void
  /** One-way operations (no answer); objects without any leave it out. */
  tell?(method: string, args: Record<string, unknown>, caller: Caller): void
  /** A process holds this object from birth (it was passed as an argument); `part` is a pipe end. Only pipes care. */
  hold?(lid: string, part: number | null): void
  /** A process died or ended: drop its waiters, release what it held. */
  processGone(lid: string, pid: number): void
  /** The run ended: free what outlives processes (shared memory segments: unmap and unlink). */
  dispose?(): void
  /** Objects that hold items (queues, pipes): the first `n` as short text, and how many there are (the paused view, issue 17). */
  contents?(n: number): ObjectContents[]
  /** Lock-like objects: who waits for it and who holds it now, for the wait-for graph (wait-for.ts); null while nobody waits. */
  waitState?(): LockWaitState | null
}

/** setTimeout's longest wait (about 24.8 days); a longer one would fire at once. */
const LONGEST_TIMER_MS = 2 ** 31 - 1

/**
 * The `timeout` argument of a call: `null` waits forever, 0 not at all. Anything else that is not a
 * non-negative number fails the call and gives undefined (lab processes check it first; this is
 * for whatever else reaches the socket). Longer than a timer can wait means forever.
 */
export function timeoutArg(args: Record<string, unknown>, call: Call): number | null | undefined {
  const timeout = args.timeout
  if (timeout === null) return null
  if (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout < 0) {
    call.fail('TypeError', `timeout must be null or a non-negative number of milliseconds, got ${typeof timeout === 'number' ? timeout : typeof timeout}`)
    return undefined
  }
  return timeout > LONGEST_TIMER_MS ? null : timeout
}

/** Waits with a timeout: `null` forever, 0 not at all. Returns a cancel function. */
export function startTimer(timeout: number | null, onTimeout: () => void): () => void {
  if (timeout === null) return () => undefined
  const timer = setTimeout(onTimeout, timeout)
  return () => clearTimeout(timer)
}

export function unknownMethod(object: BrokerObject, method: string, call?: Call): void {
  call?.fail('ProcessError', `${object.type} ${object.name} has no operation '${method}'`)
}
