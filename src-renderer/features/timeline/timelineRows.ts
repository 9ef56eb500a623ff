// The rows of the timeline's text alternative: per lane, its lifetime, the lock spans, the blocking
// calls and a count
// of the events within the visible range. Plain data, rebuilt a few times a second at most.
import { overlaps, ticksIn, type Lane, type Span, type TimelineModel } from './timelineModel'
import { tickStyle } from './timelineDraw'
import type { Units } from '../../shared/composables/units'
import { describeSpan, laneEnd, laneName, runTime, type Translate } from './timelineText'

/** Spans listed per lane and kind; the rest is a count (the chart shows them all). */
export const LISTED_SPANS = 24

export interface SpanRow {
  key: string
  text: string
  object: string
  start: number
  end: number | null
  outcome: Span['outcome']
}

export interface LaneRow {
  lid: string
  pid: number
  name: string
  colorIndex: number
  start: number
  end: number | null
  life: string
  holds: SpanRow[]
  holdsMore: number
  waits: SpanRow[]
  waitsMore: number
  /** Blocking calls that lasted (a get, a join, a sleep): the activity fold's waits. */
  blocked: SpanRow[]
  blockedMore: number
  /** A pool worker's chunks (listed with the events: few lanes have any). */
  tasks: SpanRow[]
  tasksMore: number
  events: string[]
  dropped: number
}

export function buildRows(tr: Translate, units: Units, model: TimelineModel, lanes: readonly Lane[], range: { start: number; end: number }, now: number): LaneRow[] {
  const counts = countTicks(model, range)
  const origin = model.origin ?? 0
  return lanes.map((lane) => {
    const inRange = lane.spans.filter((s) => overlaps(s, range, now))
    const holds = inRange.filter((s) => s.kind === 'hold')
    const waits = inRange.filter((s) => s.kind === 'wait')
    const tasks = inRange.filter((s) => s.kind === 'task')
    const blocked = inRange.filter((s) => s.kind === 'blocked')
    const toRow = (s: Span): SpanRow => {
      const object = s.kind === 'blocked' ? (s.object ?? s.target ?? '') : s.object
      const key = s.kind === 'blocked' ? `blocked-${s.wait}` : `${s.kind}-${s.object}-${s.start}`
      return { key, text: describeSpan(tr, units, model, s, now), object: model.objects[object]?.name ?? model.lanes[object]?.name ?? object, start: s.start, end: s.end, outcome: s.outcome }
    }
    const endText = lane.end === null ? laneEnd(tr, lane) : `${runTime(units, lane.end, origin)}, ${laneEnd(tr, lane)}`
    return {
      lid: lane.lid,
      pid: lane.pid,
      name: laneName(tr, lane),
      colorIndex: model.order.indexOf(lane.lid),
      start: lane.start,
      end: lane.end,
      life: `${runTime(units, lane.start, origin)} – ${endText}`,
      holds: holds.slice(0, LISTED_SPANS).map(toRow),
      holdsMore: Math.max(0, holds.length - LISTED_SPANS),
      waits: waits.slice(0, LISTED_SPANS).map(toRow),
      waitsMore: Math.max(0, waits.length - LISTED_SPANS),
      blocked: blocked.slice(0, LISTED_SPANS).map(toRow),
      blockedMore: Math.max(0, blocked.length - LISTED_SPANS),
      tasks: tasks.slice(0, LISTED_SPANS).map(toRow),
      tasksMore: Math.max(0, tasks.length - LISTED_SPANS),
      events: eventTexts(tr, counts.get(lane.lid)),
      dropped: lane.droppedSpans,
    }
  })
}

type TickGroup = 'queue' | 'refused' | 'sent' | 'received' | 'closed' | 'eof' | 'output' | 'user'

const PIPE_GROUPS: Record<string, TickGroup> = { 'pipe.send': 'sent', 'pipe.recv': 'received', 'pipe.close': 'closed', 'pipe.eof': 'eof' }

function groupOf(kind: string, style: ReturnType<typeof tickStyle>): TickGroup {
  const pipe = PIPE_GROUPS[kind]
  if (pipe) return pipe
  if (style === 'alert') return 'refused'
  if (style === 'output') return 'output'
  if (style === 'user') return 'user'
  return 'queue'
}

function countTicks(model: TimelineModel, range: { start: number; end: number }): Map<string, Map<TickGroup, number>> {
  const out = new Map<string, Map<TickGroup, number>>()
  const { first, last } = ticksIn(model.ticks, range.start, range.end)
  for (let i = first; i < last; i++) {
    const tick = model.ticks[i]!
    const group = groupOf(tick.kind, tickStyle(tick))
    let lane = out.get(tick.lid)
    if (!lane) out.set(tick.lid, (lane = new Map()))
    lane.set(group, (lane.get(group) ?? 0) + (tick.count ?? 1))
  }
  return out
}

function eventTexts(tr: Translate, counts: Map<TickGroup, number> | undefined): string[] {
  if (!counts) return []
  return [...counts.entries()].map(([group, n]) => tr('timeline.table.eventCount', { n, what: tr(`timeline.table.kinds.${group}`) }))
}
