import type { LooseEvent } from '../lab-events'

/** Which events an export includes. Bounds are inclusive, in µs since the session started. */
export interface EventFilter {
  fromUs?: number
  toUs?: number
  /** Event kinds to keep, e.g. ['process.start', 'stdout']; absent keeps every kind. */
  kinds?: readonly string[]
}

export function isFiltering(filter: EventFilter): boolean {
  return filter.fromUs !== undefined || filter.toUs !== undefined || filter.kinds !== undefined
}

export function makeMatcher(filter: EventFilter): (event: LooseEvent) => boolean {
  const from = filter.fromUs ?? -Infinity
  const to = filter.toUs ?? Infinity
  const kinds = filter.kinds ? new Set(filter.kinds) : null
  return (event) => event.t >= from && event.t <= to && (kinds === null || kinds.has(event.kind))
}
