import { ref, watch, type Ref } from 'vue'
import { useConnectionStore } from '../lab/connection'
import { useRunStore } from '../lab/run'
import { useTimelineStore } from './timeline'
import { currentRange, fitView, panView, zoomView, type Viewport } from './timelineViewport'

export interface TimelineControls {
  view: Ref<Viewport>
  /** Session µs where the run's axis ends now: run.end, else the clock while it runs. */
  end: () => number
  now: () => number
  origin: () => number
  range: () => { start: number; end: number }
  zoom: (factor: number, anchor?: number) => void
  pan: (fraction: number) => void
  /** Pans from a given range (a drag pans from where it started, not from the last move). */
  panFrom: (range: { start: number; end: number }, fraction: number) => void
  fit: () => void
}

/** The timeline's visible range and the actions on it, shared by the toolbar and the chart. */
export function useTimelineControls(): TimelineControls {
  const store = useTimelineStore()
  const run = useRunStore()
  const connection = useConnectionStore()
  const view = ref<Viewport>({ start: 0, end: 0, follow: true })

  // The host's clock and ours are the same machine's: hello gives the session's zero on the wall.
  const now = () => {
    const wall = connection.hello?.sessionStartWall
    return wall === undefined || wall === null ? store.model.lastT : Math.max(store.model.lastT, (Date.now() - wall) * 1000)
  }
  const end = () => (store.model.end !== null ? store.model.end : run.running ? now() : store.model.lastT)
  const origin = () => store.model.origin ?? 0
  const range = () => currentRange(view.value, origin(), end())

  // A new run starts fitted: last run's zoom means nothing for it.
  watch(
    () => run.runId,
    () => (view.value = { ...view.value, follow: true }),
  )

  return {
    view,
    end,
    now,
    origin,
    range,
    zoom: (factor, anchor) => {
      const r = range()
      view.value = zoomView(r, factor, anchor ?? (r.start + r.end) / 2, origin(), end())
    },
    pan: (fraction) => (view.value = panView(range(), fraction, origin(), end())),
    panFrom: (from, fraction) => (view.value = panView(from, fraction, origin(), end())),
    fit: () => (view.value = fitView(origin(), end())),
  }
}
