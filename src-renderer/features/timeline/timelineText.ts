// The timeline in words: shared by the tooltip, the read-out of the keyboard cursor and the text
// alternative, so what the picture shows and what a screen reader hears are the same facts.
import type { Units } from '../../shared/composables/units'
import type { WaitOn } from '../../../src-shared/events'
import type { Lane, Pause, Span, TaskSpan, Tick, TimelineModel, WaitSpan } from './timelineModel'

export type Translate = (key: string, values?: Record<string, unknown>) => string

/** Seconds since the run started, to the millisecond. */
export function runTime(units: Units, t: number, origin: number): string {
  return units.seconds((t - origin) / 1e6, 3)
}

/** A pause of the run in words (issue 17): when, and how long the run's clock stood still. */
export function pauseText(tr: Translate, units: Units, pause: Pause, origin: number): string {
  const from = runTime(units, pause.start, origin)
  if (pause.end === null) return tr('timeline.pause.open', { from })
  return tr('timeline.pause.span', { from, to: runTime(units, pause.end, origin), duration: units.micros(pause.end - pause.start) })
}

export function laneName(tr: Translate, lane: Lane): string {
  return tr('timeline.lane.name', { name: lane.name, pid: lane.pid })
}

/** How the process ended: an exit code, a signal, or still running. */
export function laneEnd(tr: Translate, lane: Lane): string {
  if (lane.end === null) return tr('timeline.lane.running')
  if (lane.exitCode === null) return lane.signal ? tr('timeline.lane.killed', { signal: lane.signal }) : tr('timeline.lane.unknown')
  return lane.signal ? tr('timeline.lane.exitSignal', { code: lane.exitCode, signal: lane.signal }) : tr('timeline.lane.exit', { code: lane.exitCode })
}

export function objectName(model: TimelineModel, id: string | null): string {
  if (id === null) return ''
  return model.objects[id]?.name ?? id
}

export function describeSpan(tr: Translate, units: Units, model: TimelineModel, span: Span, now: number): string {
  const origin = model.origin ?? 0
  const lock = objectName(model, span.object)
  const from = runTime(units, span.start, origin)
  if (span.kind === 'task') return describeTask(tr, units, span, lock, from, origin, now)
  if (span.kind === 'blocked') return describeBlocked(tr, units, model, span, from, origin, now)
  if (span.end === null) {
    const duration = units.micros(now - span.start)
    return tr(span.kind === 'hold' ? 'timeline.span.holdOpen' : 'timeline.span.waitOpen', { lock, from, duration })
  }
  const values = { lock, from, to: runTime(units, span.end, origin), duration: units.micros(span.end - span.start) }
  if (span.kind === 'hold') {
    const text = tr('timeline.span.hold', values)
    return span.outcome === 'abandoned' ? `${text}: ${tr('timeline.span.outcome.abandoned')}` : text
  }
  return tr('timeline.span.wait', { ...values, outcome: tr(`timeline.span.outcome.${span.outcome ?? 'gone'}`) })
}

/** The message of each blocking call (vue-i18n keys cannot hold the dots of 'queue.get'). */
const BLOCKED_KEYS: Record<WaitOn, string> = {
  'queue.get': 'queueGet',
  'queue.put': 'queuePut',
  'queue.join': 'queueJoin',
  'pipe.recv': 'pipeRecv',
  'pipe.send': 'pipeSend',
  join: 'join',
  event: 'event',
  condition: 'condition',
  barrier: 'barrier',
  sleep: 'sleep',
}

/** What a blocked call waits in, short: "get on orders", "joining Process-2", "sleep". */
export function blockedName(tr: Translate, model: TimelineModel, span: WaitSpan): string {
  const target = span.target === null ? '?' : (model.lanes[span.target]?.name ?? span.target)
  return tr(`timeline.blocked.on.${BLOCKED_KEYS[span.on] ?? 'sleep'}`, { object: span.object === null ? '?' : objectName(model, span.object), target })
}

/** A blocking call that lasted (a get, a join, a sleep), with how it ended. */
function describeBlocked(tr: Translate, units: Units, model: TimelineModel, span: WaitSpan, from: string, origin: number, now: number): string {
  const what = blockedName(tr, model, span)
  if (span.end === null) return tr('timeline.blocked.open', { what, from, duration: units.micros(now - span.start) })
  const values = { what, from, to: runTime(units, span.end, origin), duration: units.micros(span.end - span.start) }
  return tr('timeline.blocked.span', { ...values, outcome: tr(`timeline.blocked.outcome.${span.outcome ?? 'gone'}`) })
}

/** A pool's chunk (or a summary of chunks) in its worker. */
function describeTask(tr: Translate, units: Units, span: TaskSpan, pool: string, from: string, origin: number, now: number): string {
  const tasks = span.tasks ?? 1
  if (span.end === null) return tr('timeline.span.taskOpen', { pool, tasks, from, duration: units.micros(now - span.start) })
  const values = { pool, tasks, chunks: span.chunks ?? 1, from, to: runTime(units, span.end, origin), duration: units.micros(span.end - span.start) }
  const text = tr(span.chunks !== undefined ? 'timeline.span.taskSummary' : 'timeline.span.task', values)
  const outcome = tr(`timeline.span.taskOutcome.${span.outcome === 'done' || span.outcome === 'failed' ? span.outcome : 'gone'}`)
  return span.error ? `${text}: ${outcome} (${span.error})` : `${text}: ${outcome}`
}

export function describeTick(tr: Translate, units: Units, model: TimelineModel, tick: Tick): string {
  const what = tr(`timeline.tick.${tick.kind.replace('.', '_')}`, { object: objectName(model, tick.object), value: tick.value ?? '', text: tick.text ?? '' })
  return tr('timeline.tick.at', { what, time: runTime(units, tick.t, model.origin ?? 0) })
}

export function describeLife(tr: Translate, units: Units, model: TimelineModel, lane: Lane): string {
  const origin = model.origin ?? 0
  const life =
    lane.end === null
      ? tr('timeline.tip.lifeOpen', { from: runTime(units, lane.start, origin) })
      : `${tr('timeline.tip.life', { from: runTime(units, lane.start, origin), to: runTime(units, lane.end, origin) })}, ${laneEnd(tr, lane)}`
  return tr('timeline.tip.lane', { name: lane.name, pid: lane.pid, life })
}

/** The tooltip's lines for what is under the pointer (or the keyboard cursor). */
export function describeHit(tr: Translate, units: Units, model: TimelineModel, hit: { lane: Lane; span: Span | null; tick: Tick | null; t: number }, now: number): string[] {
  const lines = [describeLife(tr, units, model, hit.lane)]
  if (hit.tick) lines.push(describeTick(tr, units, model, hit.tick))
  else if (hit.span) lines.push(describeSpan(tr, units, model, hit.span, now))
  else lines.push(tr('timeline.tip.nothing', { time: runTime(units, hit.t, model.origin ?? 0) }))
  return lines
}
