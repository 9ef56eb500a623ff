// Which stretch of the run the Gantt shows. Pure arithmetic on session µs, so zoom and pan can be
// tested without a canvas. `follow` means "fit the whole run": the range grows with a live run
// until the user zooms or pans, and 0 (fit) brings it back.

export interface Viewport {
  start: number
  end: number
  follow: boolean
}

/** The narrowest view: below a tenth of a millisecond nothing the lab does is visible. */
export const MIN_SPAN_US = 100
/** An empty or instant run still gets a readable axis. */
const MIN_FIT_US = 100_000

export function fitView(origin: number, end: number): Viewport {
  return { start: origin, end: Math.max(end, origin + MIN_FIT_US), follow: true }
}

/** The range to draw: the whole run while following, else the user's range. */
export function currentRange(view: Viewport, origin: number, end: number): { start: number; end: number } {
  if (!view.follow) return { start: view.start, end: view.end }
  const fit = fitView(origin, end)
  return { start: fit.start, end: fit.end }
}

/**
 * Zooms by `factor` (< 1 zooms in) keeping `anchor` (a session µs, e.g. under the pointer) at the
 * same place on screen; the result stays within the run (a little slack at the ends).
 */
export function zoomView(range: { start: number; end: number }, factor: number, anchor: number, origin: number, end: number): Viewport {
  const span = range.end - range.start
  const full = Math.max(end - origin, MIN_FIT_US)
  const next = Math.min(Math.max(span * factor, MIN_SPAN_US), full)
  if (next >= full) return fitView(origin, end)
  const ratio = span > 0 ? (anchor - range.start) / span : 0.5
  const start = anchor - ratio * next
  return clampView(start, next, origin, end)
}

/** Pans by `fraction` of the visible span (negative: back in time). */
export function panView(range: { start: number; end: number }, fraction: number, origin: number, end: number): Viewport {
  const span = range.end - range.start
  return clampView(range.start + fraction * span, span, origin, end)
}

function clampView(start: number, span: number, origin: number, end: number): Viewport {
  const last = Math.max(end, origin + span)
  const clamped = Math.min(Math.max(start, origin), last - span)
  return { start: clamped, end: clamped + span, follow: false }
}

/** Round steps for axis labels: about `target` gridlines across the range. */
export function axisStep(spanUs: number, target = 8): number {
  const raw = spanUs / target
  const power = 10 ** Math.floor(Math.log10(Math.max(raw, 1)))
  for (const m of [1, 2, 5, 10]) if (raw <= m * power) return m * power
  return 10 * power
}
