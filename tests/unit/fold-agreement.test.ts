// Issue 16's property: for random valid event streams, the live view, the replay of the recorded
// file and the Chrome trace agree on every lock hold and wait, and all of them agree with what
// really happened. The streams come from the broker's own lock object (SemaphoreObject) driven by
// random processes that acquire (blocking, or not at all), release, re-enter an RLock and die; the
// truth is what the driver saw granted and released, kept apart from any event.
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { SharedObjectType } from '../../src-shared/events'
import type { Caller, ObjectEnv, ObjectEvent } from '../../src-main/lab/supervisor/objects/base'
import { SemaphoreObject } from '../../src-main/lab/supervisor/objects/semaphore'
import { exportSession, readRunForReplay } from '../../src-main/session'
import { applyObjectEvent, emptyObjects, type LockModel } from '../../src-renderer/features/objects/objectsModel'
import { applyTimelineEvents, emptyTimeline, type TimelineModel } from '../../src-renderer/features/timeline/timelineModel'
import { collect, tempDir, traceProblems, writeSessionFile, type TraceEvent } from '../fixtures/session/helpers'
import { seededRandom } from '../helpers/seeded-random'

type LockKind = Extract<SharedObjectType, 'lock' | 'rlock' | 'semaphore' | 'bounded-semaphore'>
/** One hold or wait as "kind lid object start end", the form every side is brought to. */
type Interval = string

interface World {
  events: Record<string, unknown>[]
  holds: Interval[]
  waits: Interval[]
  pids: Map<string, number>
}

/** Drives the broker's lock objects with random processes; returns the events and the truth. */
function simulate(seed: number): World {
  const random = seededRandom(seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
  let clock = 1_000
  let objectEvents: Record<string, unknown>[] = []
  const events: Record<string, unknown>[] = []
  const env = (oid: string): ObjectEnv => ({
    emit: (who, event: ObjectEvent, at) => void objectEvents.push({ ...event, lid: who.lid, pid: who.pid, object: oid, t: at ?? clock }),
    warn: () => {},
    lookup: () => undefined,
    now: () => clock,
    processWithPid: () => undefined,
  })
  const kinds: LockKind[] = ['lock', 'rlock', 'semaphore', 'bounded-semaphore']
  const locks = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i) => {
    const type = pick(kinds)
    const slots = type === 'semaphore' || type === 'bounded-semaphore' ? 2 : 1
    return new SemaphoreObject(`r1/${i + 1}`, type, `L${i + 1}`, slots, env(`r1/${i + 1}`))
  })
  const procs = Array.from({ length: 2 + Math.floor(random() * 4) }, (_, i): Caller & { alive: boolean; waiting: boolean } => ({ lid: `r1.${i + 1}`, pid: 500 + i, push: () => {}, alive: true, waiting: false }))
  const pids = new Map(procs.map((p) => [p.lid, p.pid]))
  const holds: Interval[] = []
  const waits: Interval[] = []
  /** Open holds of the truth: per process and lock, a stack of [start, depth]. */
  const held = new Map<string, Array<{ start: number; depth: number }>>()
  const waitingSince = new Map<string, { object: string; since: number }>()
  const key = (lid: string, object: string) => `${lid} ${object}`
  const flush = () => {
    events.push(...objectEvents)
    objectEvents = []
  }
  const grant = (p: (typeof procs)[number], lock: SemaphoreObject) => {
    const stack = held.get(key(p.lid, lock.oid)) ?? []
    held.set(key(p.lid, lock.oid), stack)
    const top = stack[stack.length - 1]
    if (lock.type === 'rlock' && top) top.depth++
    else stack.push({ start: clock, depth: 1 })
  }
  // The broker releases a process's oldest hold (a semaphore may be held twice by one process);
  // the release may hand the lock to this very process's own waiting acquire.
  const releaseOldest = (p: (typeof procs)[number], lock: SemaphoreObject) => {
    const stack = held.get(key(p.lid, lock.oid))!
    const oldest = stack[0]!
    if (oldest.depth > 1) oldest.depth--
    else {
      stack.shift()
      holds.push(`hold ${p.lid} ${lock.oid} ${oldest.start} ${clock}`)
    }
    expect(lock.release(p)).toBeNull()
  }
  const endHolds = (p: (typeof procs)[number]) => {
    for (const lock of locks) {
      for (const hold of held.get(key(p.lid, lock.oid)) ?? []) holds.push(`hold ${p.lid} ${lock.oid} ${hold.start} ${clock}`)
      held.delete(key(p.lid, lock.oid))
    }
  }

  for (const lock of locks) events.push({ kind: 'object.create', lid: procs[0]!.lid, pid: procs[0]!.pid, object: lock.oid, type: lock.type, name: lock.oid, capacity: lock.type.endsWith('semaphore') ? 2 : null, t: clock })
  for (let step = 0; step < 70; step++) {
    clock += 1 + Math.floor(random() * 40)
    const ready = procs.filter((p) => p.alive && !p.waiting)
    if (ready.length === 0) break
    const p = pick(ready)
    const mine = locks.filter((lock) => (held.get(key(p.lid, lock.oid))?.length ?? 0) > 0)
    const roll = random()
    if (roll < 0.05) {
      // Dies: the table tells every object, then its parent reports the exit.
      for (const lock of locks) lock.processGone(p.lid)
      endHolds(p)
      p.alive = false
      flush()
      clock += 1
      events.push({ kind: 'process.exit', lid: p.lid, pid: p.pid, exitCode: null, signal: 'SIGKILL', t: clock })
    } else if (roll < 0.5 && mine.length > 0) {
      const lock = pick(mine)
      releaseOldest(p, lock)
    } else {
      const lock = pick(locks)
      const block = random() < 0.8
      const since = clock
      let answered = false
      lock.acquire(p, block ? null : 0, (granted) => {
        answered = true
        const waited = waitingSince.get(p.lid)
        if (waited) {
          waits.push(`wait ${p.lid} ${waited.object} ${waited.since} ${clock}`)
          waitingSince.delete(p.lid)
          const owner = procs.find((q) => q.lid === p.lid)!
          owner.waiting = false
        }
        if (granted) grant(p, lock)
        // A try (timeout 0) on a lock it could not have at once: a wait of no time that timed out.
        else if (!waited) waits.push(`wait ${p.lid} ${lock.oid} ${since} ${clock}`)
      })
      if (!answered) {
        p.waiting = true
        waitingSince.set(p.lid, { object: lock.oid, since })
      }
    }
    flush()
  }
  // The rest release everything and exit; a waiter left waiting ends with its process.
  for (const p of procs.filter((q) => q.alive)) {
    clock += 5
    for (const lock of locks) {
      while ((held.get(key(p.lid, lock.oid))?.length ?? 0) > 0) {
        releaseOldest(p, lock)
        flush()
      }
    }
  }
  for (const p of procs.filter((q) => q.alive)) {
    clock += 1
    // It may have been granted a lock after its turn above (another's release served it): that
    // hold ends as abandoned when it goes.
    for (const lock of locks) lock.processGone(p.lid)
    endHolds(p)
    const waited = waitingSince.get(p.lid)
    if (waited) waits.push(`wait ${p.lid} ${waited.object} ${waited.since} ${clock}`)
    flush()
    events.push({ kind: 'process.exit', lid: p.lid, pid: p.pid, exitCode: 0, signal: null, t: clock })
  }
  const starts = procs.map((p) => ({ kind: 'process.start', lid: p.lid, pid: p.pid, ppid: 1, name: p.lid, daemon: false, parentLid: null, target: 'main', t: 900 }))
  const all = [{ kind: 'run.start', title: 'fold', source: 'fold', t: 800 }, ...starts, ...events, { kind: 'run.end', ok: true, error: null, durationUs: clock, t: clock + 1 }]
  return { events: all.map((event, i) => ({ seq: i + 1, runId: 'r1', ...event })), holds: holds.sort(), waits: waits.sort(), pids }
}

/** The lock waits and holds a timeline model drew, closed ones, in the common form. */
function timelineIntervals(model: TimelineModel, kind: 'hold' | 'wait'): Interval[] {
  return Object.values(model.lanes)
    .flatMap((lane) => lane.spans)
    .filter((span) => span.kind === kind && span.end !== null)
    .map((span) => `${kind} ${span.lid} ${span.object} ${span.start} ${span.end}`)
    .sort()
}

/** Folds the events as the live UI does: frames cut anywhere. */
function liveFold(events: object[], random: () => number): { timeline: TimelineModel; locks: LockModel[] } {
  const timeline = emptyTimeline()
  const objects = emptyObjects()
  for (let at = 0; at < events.length; ) {
    const frame = events.slice(at, (at += 1 + Math.floor(random() * 7))) as Parameters<typeof applyTimelineEvents>[1]
    applyTimelineEvents(timeline, frame)
    for (const event of frame) applyObjectEvent(objects, event)
  }
  return { timeline, locks: Object.values(objects.objects).filter((o): o is LockModel => o.family === 'lock') }
}

async function chromeIntervals(file: string, pids: Map<string, number>, kind: 'hold' | 'wait'): Promise<Interval[]> {
  const { out, text } = collect()
  await exportSession(file, 'chrome-trace', out, { onWarning: () => {} })
  const trace = JSON.parse(text()) as { traceEvents: TraceEvent[] }
  expect(traceProblems(trace)).toEqual([])
  const lidOf = new Map([...pids].map(([lid, pid]) => [pid, lid]))
  return trace.traceEvents
    .filter((e) => e.ph === 'X' && e.cat === 'lock' && e.name.startsWith(`${kind} `))
    .map((e) => `${kind} ${lidOf.get(e.pid)} ${e.name.slice(kind.length + 1)} ${e.ts} ${e.ts + e.dur!}`)
    .sort()
}

describe('one lock fold: live view, replay and Chrome trace agree with what happened', () => {
  it('on 60 random streams from the broker’s own lock objects', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      for (let seed = 1; seed <= 60; seed++) {
        const world = simulate(seed)
        const why = `seed ${seed}`
        const live = liveFold(world.events, seededRandom(seed + 1000))
        // Live: the timeline's spans and the cards' recent holds are the truth.
        expect(timelineIntervals(live.timeline, 'hold'), why).toEqual(world.holds)
        expect(timelineIntervals(live.timeline, 'wait'), why).toEqual(world.waits)
        const cardHolds = live.locks.flatMap((lock) => lock.holds.map((h) => `hold ${h.lid} ${lock.id} ${h.start} ${h.end}`)).sort()
        expect(cardHolds, why).toEqual(world.holds)
        for (const lock of live.locks) expect([lock.holders, lock.waiting], `${why}: ${lock.id} ends empty`).toEqual([[], []])
        // Recorded, then replayed from the file, and exported.
        const file = join(dir, `s${seed}.ndjson`)
        await writeSessionFile(file, world.events)
        const replay = await readRunForReplay(file, `s${seed}.ndjson`, 'r1')
        const replayed = emptyTimeline()
        applyTimelineEvents(replayed, replay.events)
        expect(timelineIntervals(replayed, 'hold'), why).toEqual(world.holds)
        expect(timelineIntervals(replayed, 'wait'), why).toEqual(world.waits)
        expect(await chromeIntervals(file, world.pids, 'hold'), why).toEqual(world.holds)
        expect(await chromeIntervals(file, world.pids, 'wait'), why).toEqual(world.waits)
      }
    } finally {
      await cleanup()
    }
  })
})
