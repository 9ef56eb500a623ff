// The recorder never writes a line the reader would skip (lines.ts MAX_LINE_BYTES). Output lines
// fit by construction, but some fields have no bound of their own: a process or object name, an
// error message thrown by user code, a monitor.sample of thousands of processes. An event whose
// line would be too long is recorded with its long strings cut, or, if that is not enough, as a
// note saying what was left out: the run's record stays readable to its end.
import type { LabEvent } from '../../src-shared/events'
import { MAX_LINE_BYTES } from './lines'

/**
 * Longest string kept whole when a line must be shortened. An output line is at most 16 Ki UTF-16
 * units already (lab/supervisor/lines.ts), so no output line is ever cut by this.
 */
export const MAX_FIELD_CHARS = 16 * 1024
/** A line of at most this many UTF-16 units is at most 3 bytes a unit in UTF-8: it fits. */
const SURELY_FITS = Math.floor(MAX_LINE_BYTES / 3)

export interface FittedLine {
  line: string
  /** The event had to be shortened (or replaced by a note) to fit. */
  cut: boolean
}

export function fitLine(event: LabEvent, line: string): FittedLine {
  if (line.length <= SURELY_FITS) return { line, cut: false }
  const bytes = Buffer.byteLength(line)
  if (bytes <= MAX_LINE_BYTES) return { line, cut: false }
  const shortened = JSON.stringify({ ...(cutStrings(event, 0) as object), truncated: true })
  if (Buffer.byteLength(shortened) <= MAX_LINE_BYTES) return { line: shortened, cut: true }
  const kind = String(event.kind).slice(0, 64)
  const note = {
    seq: event.seq,
    t: event.t,
    runId: typeof event.runId === 'string' && event.runId.length <= 200 ? event.runId : null,
    kind: 'lab.error',
    message: `a ${kind} event of ${bytes} bytes was longer than a session line may be (${MAX_LINE_BYTES} bytes); it was not recorded`,
  }
  return { line: JSON.stringify(note), cut: true }
}

/** A copy with every string over MAX_FIELD_CHARS cut (with an ellipsis); events nest a few levels only. */
function cutStrings(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.length > MAX_FIELD_CHARS ? `${value.slice(0, MAX_FIELD_CHARS)}…` : value
  if (typeof value !== 'object' || value === null || depth > 8) return value
  if (Array.isArray(value)) return value.map((item) => cutStrings(item, depth + 1))
  const copy: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) copy[key] = cutStrings(item, depth + 1)
  return copy
}
