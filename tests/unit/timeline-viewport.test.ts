// Zoom and pan of the timeline: the range stays inside the run and the anchor stays put.
import { describe, expect, it } from 'vitest'
import { axisStep, currentRange, fitView, MIN_SPAN_US, panView, zoomView } from '../../src-renderer/features/timeline/timelineViewport'

const origin = 1_000_000
const end = 3_000_000

describe('timeline viewport', () => {
  it('fits the whole run, and follows it while it grows', () => {
    const view = fitView(origin, end)
    expect(view).toEqual({ start: origin, end, follow: true })
    expect(currentRange(view, origin, end + 500_000)).toEqual({ start: origin, end: end + 500_000 })
    // An instant run still gets an axis.
    expect(fitView(origin, origin).end).toBeGreaterThan(origin)
  })

  it('zooms in around the anchor and stops following', () => {
    const anchor = origin + 500_000
    const view = zoomView({ start: origin, end }, 0.5, anchor, origin, end)
    expect(view.follow).toBe(false)
    expect(view.end - view.start).toBe(1_000_000)
    // The anchor sits at the same fraction of the width as before (a quarter in).
    expect((anchor - view.start) / (view.end - view.start)).toBeCloseTo(0.25, 6)
  })

  it('never zooms below the minimum span, nor out past the run (that is fit again)', () => {
    let range = { start: origin, end }
    for (let i = 0; i < 100; i++) range = zoomView(range, 0.5, origin + 1_000, origin, end)
    expect(range.end - range.start).toBe(MIN_SPAN_US)
    expect(zoomView({ start: origin, end: origin + 1_000 }, 1e9, origin, origin, end)).toEqual(fitView(origin, end))
  })

  it('pans by a fraction of the view and stays within the run', () => {
    const zoomed = { start: origin + 1_000_000, end: origin + 1_500_000 }
    expect(panView(zoomed, 0.1, origin, end)).toEqual({ start: origin + 1_050_000, end: origin + 1_550_000, follow: false })
    expect(panView(zoomed, -100, origin, end).start).toBe(origin)
    expect(panView(zoomed, 100, origin, end).end).toBe(end)
  })

  it('picks round axis steps', () => {
    expect(axisStep(1_000_000)).toBe(200_000)
    expect(axisStep(3_000_000)).toBe(500_000)
    expect(axisStep(80_000_000)).toBe(10_000_000)
  })
})
