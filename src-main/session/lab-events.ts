// Event kinds the lead will add to src-shared/events.ts later (locks, queues, pipes). They are
// declared here so the exporters and the synthetic generator can be written and tested now;
// once events.ts has them, these types become redundant and can be replaced by EventOf<...>.
import type { EventStamp, LabEvent, ProcessRef } from '../../src-shared/events'

type Body<K extends string, F> = EventStamp & ProcessRef & { kind: K; object: string } & F

export type LockEvent =
  | Body<'lock.request', Record<never, never>>
  | Body<'lock.acquire', { waitedUs: number }>
  | Body<'lock.release', { heldUs: number }>
  | Body<'lock.abandoned', Record<never, never>>

export type QueueEvent = Body<'queue.put' | 'queue.get', { depth: number }>

export type PipeEvent = Body<'pipe.send' | 'pipe.recv', { bytes: number }>

/** Anything a session file may hold: known kinds, the kinds above, and kinds not invented yet. */
export type AnyEvent = LabEvent | LockEvent | QueueEvent | PipeEvent

/** An event before the host stamps it (distributes over the union, unlike a plain Omit). */
export type Unstamped<E = AnyEvent> = E extends AnyEvent ? Omit<E, keyof EventStamp> : never

/**
 * The loose view the exporters work on. A session file may come from another version or be edited
 * by hand, so beyond the stamp the reader checked (seq, t, kind) no field is trusted.
 */
export type LooseEvent = EventStamp & { kind: string } & Record<string, unknown>

export function asLoose(event: LabEvent): LooseEvent {
  return event as unknown as LooseEvent
}

export function str(event: LooseEvent, key: string): string | null {
  const value = event[key]
  return typeof value === 'string' ? value : null
}

export function num(event: LooseEvent, key: string): number | null {
  const value = event[key]
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}
