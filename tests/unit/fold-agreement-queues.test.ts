// Issue 16's property for queues and pipes (the sibling of fold-agreement.test.ts, which holds the
// locks to it): for random valid event streams, the object cards' live fold, the replay of the
// recorded file and the Chrome trace's counters and wait slices agree on each queue's depth, peak
// and counts, each pipe's messages each way, and who is blocked on either when the stream ends,
// and all of them agree with what really happened. The driver below plays the broker and the lab
// processes (a put or get served, refused or blocking; a wait reported only once it has lasted
// WAIT_REPORT_MS; processes dying mid-wait) and keeps the truth apart from any event.
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { WAIT_REPORT_MS } from '../../src-shared/events'
import { exportSession, readRunForReplay } from '../../src-main/session'
import { applyObjectEvent, emptyObjects, type ObjectsModel, type PipeModel, type QueueModel } from '../../src-renderer/features/objects/objectsModel'
import { collect, tempDir, traceProblems, writeSessionFile, type TraceEvent } from '../fixtures/session/helpers'
import { seededRandom } from '../helpers/seeded-random'

const REPORT_US = WAIT_REPORT_MS * 1000

interface Proc {
  lid: string
  pid: number
  alive: boolean
  /** What it is blocked in, since when, and its wait's number once reported. */
  blocked: { on: 'queue.get' | 'queue.put' | 'pipe.recv'; object: string; since: number; wait: number | null } | null
  waits: number
}

interface QueueTruth {
  id: string
  name: string
  maxsize: number | null
  depth: number
  peak: number
  puts: number
  gets: number
  fulls: number
  empties: number
}

/** What every reader is brought to: numbers, and the blocked as "lid since". */
interface Outcome {
  queues: Record<string, { depth: number; peak: number; puts: number; gets: number; fulls: number; empties: number; getters: string[]; putters: string[] }>
  pipes: Record<string, { inTransit: number; sent: number; received: number; receivers: string[] }>
}

interface World {
  events: Record<string, unknown>[]
  truth: Outcome
  pids: Map<string, number>
}

function simulate(seed: number): World {
  const random = seededRandom(seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
  let clock = 1_000
  const events: Record<string, unknown>[] = []
  const emit = (p: Proc, kind: string, fields: Record<string, unknown>) => events.push({ kind, lid: p.lid, pid: p.pid, t: clock, ...fields })
  const procs: Proc[] = Array.from({ length: 3 + Math.floor(random() * 4) }, (_, i) => ({ lid: `r1.${i + 1}`, pid: 700 + i, alive: true, blocked: null, waits: 0 }))
  const queues: QueueTruth[] = Array.from({ length: 1 + Math.floor(random() * 2) }, (_, i) => {
    const maxsize = random() < 0.3 ? null : 1 + Math.floor(random() * 3)
    return { id: `r1/${i + 1}`, name: `q${i + 1}`, maxsize, depth: 0, peak: 0, puts: 0, gets: 0, fulls: 0, empties: 0 }
  })
  const pipe = { id: 'r1/9', name: 'line', buffered: 0, sent: 0, received: 0 }
  for (const q of queues) emit(procs[0]!, 'object.create', { object: q.id, type: pick(['queue', 'joinable-queue']), name: q.name, capacity: q.maxsize })
  emit(procs[0]!, 'object.create', { object: pipe.id, type: 'pipe', name: pipe.name, capacity: null })

  /** Those blocked on `object` in `on`, first come first. */
  const blockedOn = (object: string, on: string) =>
    procs.filter((p) => p.alive && p.blocked?.object === object && p.blocked.on === on).sort((a, b) => a.blocked!.since - b.blocked!.since)
  const unblock = (p: Proc) => {
    if (p.blocked!.wait !== null) emit(p, 'process.resume', { wait: p.blocked!.wait, outcome: 'done', waitedUs: clock - p.blocked!.since })
    p.blocked = null
  }
  const block = (p: Proc, on: NonNullable<Proc['blocked']>['on'], object: string) => {
    p.blocked = { on, object, since: clock, wait: null }
  }
  const put = (p: Proc, q: QueueTruth, n = 1) => {
    q.depth += n
    q.puts += n
    q.peak = Math.max(q.peak, q.depth)
    emit(p, 'queue.put', { object: q.id, depth: q.depth, ...(n > 1 ? { count: n } : {}) })
  }
  const get = (p: Proc, q: QueueTruth) => {
    q.depth--
    q.gets++
    emit(p, 'queue.get', { object: q.id, depth: q.depth })
  }
  /** After the depth moved: the broker serves whoever waits and now can go on. */
  const serve = (q: QueueTruth) => {
    for (;;) {
      const getter = blockedOn(q.id, 'queue.get')[0]
      if (getter && q.depth > 0) {
        get(getter, q)
        unblock(getter)
        continue
      }
      const putter = blockedOn(q.id, 'queue.put')[0]
      if (putter && (q.maxsize === null || q.depth < q.maxsize)) {
        put(putter, q)
        unblock(putter)
        continue
      }
      return
    }
  }

  for (let step = 0; step < 80; step++) {
    clock += 500 + Math.floor(random() * 3_000)
    // Waits that have lasted WAIT_REPORT_MS are reported now (a late report says how long so far).
    for (const p of procs) {
      if (p.alive && p.blocked && p.blocked.wait === null && clock - p.blocked.since >= REPORT_US) {
        p.blocked.wait = ++p.waits
        emit(p, 'process.wait', { wait: p.blocked.wait, on: p.blocked.on, object: p.blocked.object, target: null, timeoutMs: null, waitedUs: clock - p.blocked.since })
      }
    }
    const ready = procs.filter((p) => p.alive && !p.blocked)
    if (ready.length === 0) break
    const p = pick(ready)
    const roll = random()
    if (roll < 0.06) {
      // Dies (its blocked wait, if any, with it: the exit is the only word of it).
      p.alive = false
      emit(p, 'process.exit', { exitCode: null, signal: 'SIGKILL' })
      // Another, already blocked, may die too: killed while waiting.
      const victim = procs.find((o) => o.alive && o.blocked && random() < 0.3)
      if (victim) {
        victim.alive = false
        emit(victim, 'process.exit', { exitCode: null, signal: 'SIGKILL' })
      }
    } else if (roll < 0.75) {
      const q = pick(queues)
      const blocking = random() < 0.75
      if (random() < 0.5) {
        const room = q.maxsize === null ? 3 : q.maxsize - q.depth
        if (room > 0) {
          // Now and then a summary of a few puts (a shared-memory queue).
          put(p, q, room > 1 && random() < 0.2 ? 2 : 1)
          serve(q)
        } else if (blocking) block(p, 'queue.put', q.id)
        else {
          q.fulls++
          emit(p, 'queue.full', { object: q.id, depth: q.depth })
        }
      } else if (q.depth > 0) {
        get(p, q)
        serve(q)
      } else if (blocking) block(p, 'queue.get', q.id)
      else {
        q.empties++
        emit(p, 'queue.empty', { object: q.id, depth: q.depth })
      }
    } else if (random() < 0.5) {
      pipe.sent++
      emit(p, 'pipe.send', { object: pipe.id, end: 0, bytes: null })
      const receiver = blockedOn(pipe.id, 'pipe.recv')[0]
      if (receiver) {
        pipe.received++
        emit(receiver, 'pipe.recv', { object: pipe.id, end: 1, bytes: null })
        unblock(receiver)
      } else pipe.buffered++
    } else if (pipe.buffered > 0) {
      pipe.buffered--
      pipe.received++
      emit(p, 'pipe.recv', { object: pipe.id, end: 1, bytes: null })
    } else block(p, 'pipe.recv', pipe.id)
  }
  // Whoever is still blocked and reported stays so: the stream ends with them waiting.
  const reported = (object: string, on: string) => blockedOn(object, on).filter((p) => p.blocked!.wait !== null).map((p) => `${p.lid} ${p.blocked!.since}`).sort()
  const truth: Outcome = { queues: {}, pipes: {} }
  for (const q of queues) {
    truth.queues[q.name] = { depth: q.depth, peak: q.peak, puts: q.puts, gets: q.gets, fulls: q.fulls, empties: q.empties, getters: reported(q.id, 'queue.get'), putters: reported(q.id, 'queue.put') }
  }
  truth.pipes[pipe.name] = { inTransit: pipe.buffered, sent: pipe.sent, received: pipe.received, receivers: reported(pipe.id, 'pipe.recv') }
  const starts = procs.map((p) => ({ kind: 'process.start', lid: p.lid, pid: p.pid, ppid: 1, name: p.lid, daemon: false, parentLid: null, target: 'main', t: 900 }))
  const all = [{ kind: 'run.start', title: 'fold', source: 'fold', t: 800 }, ...starts, ...events]
  return { events: all.map((event, i) => ({ seq: i + 1, runId: 'r1', ...event })), truth, pids: new Map(procs.map((p) => [p.lid, p.pid])) }
}

/** The cards' models brought to the common form. */
function fromModel(model: ObjectsModel): Outcome {
  const out: Outcome = { queues: {}, pipes: {} }
  const at = (list: readonly { lid: string; since: number }[]) => list.map((w) => `${w.lid} ${w.since}`).sort()
  for (const obj of Object.values(model.objects)) {
    if (obj.family === 'queue') {
      const q = obj as QueueModel
      out.queues[q.name] = { depth: q.depth, peak: q.peak, puts: q.puts, gets: q.gets, fulls: q.fulls, empties: q.empties, getters: at(q.getters), putters: at(q.putters) }
    } else if (obj.family === 'pipe') {
      const p = obj as PipeModel
      out.pipes[p.name] = { inTransit: p.dirs[0].sent - p.dirs[0].received, sent: p.dirs[0].sent, received: p.dirs[0].received, receivers: at(p.receivers) }
    }
  }
  return out
}

/** Folds the events as the live UI does, frames cut anywhere. */
function liveFold(events: object[], random: () => number): Outcome {
  const model = emptyObjects()
  for (let at = 0; at < events.length; ) {
    const frame = events.slice(at, (at += 1 + Math.floor(random() * 7))) as Parameters<typeof applyObjectEvent>[1][]
    for (const event of frame) applyObjectEvent(model, event)
  }
  return fromModel(model)
}

/**
 * The Chrome trace brought to the common form: the last value of each counter (the peak: the
 * highest depth drawn), and the wait slices still open when the log ended. Counts are not in the
 * trace as numbers; the truth's are compared with the card's and the replay's.
 */
function fromTrace(trace: { traceEvents: TraceEvent[] }, pids: Map<string, number>, truth: Outcome): Outcome {
  const lidOf = new Map([...pids].map(([lid, pid]) => [pid, lid]))
  const counters = (name: string) => trace.traceEvents.filter((e) => e.ph === 'C' && e.name === name).map((e) => e.args as Record<string, number>)
  const last = (name: string) => counters(name).at(-1)
  const open = (what: string) =>
    trace.traceEvents
      .filter((e) => e.ph === 'X' && e.cat === 'wait' && e.name === what && e.args?.unfinished === true)
      .map((e) => `${lidOf.get(e.pid)} ${e.ts}`)
      .sort()
  const out: Outcome = { queues: {}, pipes: {} }
  for (const [name, q] of Object.entries(truth.queues)) {
    const depths = counters(`queue ${name} depth`).map((c) => c.depth!)
    const waiting = last(`queue ${name} waiting`) ?? { getters: 0, putters: 0 }
    const getters = open(`queue.get ${name}`)
    const putters = open(`queue.put ${name}`)
    // The counter of those waiting and the wait slices left open say the same.
    expect([waiting.getters, waiting.putters], `queue ${name} waiting`).toEqual([getters.length, putters.length])
    out.queues[name] = { ...q, depth: depths.at(-1) ?? 0, peak: Math.max(0, ...depths), getters, putters }
  }
  for (const [name, p] of Object.entries(truth.pipes)) {
    const waiting = last(`pipe ${name} waiting`) ?? { receivers: 0 }
    const receivers = open(`pipe.recv ${name}`)
    expect(waiting.receivers, `pipe ${name} waiting`).toBe(receivers.length)
    out.pipes[name] = { ...p, inTransit: last(`pipe ${name} in transit`)?.['0→1'] ?? 0, receivers }
  }
  return out
}

describe('one queue fold and one pipe fold: live view, replay and Chrome trace agree with what happened', () => {
  it('on 60 random streams of puts, gets, sends and receives, served, refused, blocked and killed', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      let blockedSeen = 0
      for (let seed = 1; seed <= 60; seed++) {
        const world = simulate(seed)
        const why = `seed ${seed}`
        blockedSeen += Object.values(world.truth.queues).reduce((n, q) => n + q.getters.length + q.putters.length, 0) + world.truth.pipes.line!.receivers.length
        expect(liveFold(world.events, seededRandom(seed + 1000)), why).toEqual(world.truth)
        const file = join(dir, `q${seed}.ndjson`)
        await writeSessionFile(file, world.events)
        const replay = await readRunForReplay(file, `q${seed}.ndjson`, 'r1')
        const replayed = emptyObjects()
        for (const event of replay.events) applyObjectEvent(replayed, event)
        expect(fromModel(replayed), why).toEqual(world.truth)
        const { out, text } = collect()
        await exportSession(file, 'chrome-trace', out, { onWarning: () => {} })
        const trace = JSON.parse(text()) as { traceEvents: TraceEvent[] }
        expect(traceProblems(trace), why).toEqual([])
        expect(fromTrace(trace, world.pids, world.truth), why).toEqual(world.truth)
      }
      // The streams do leave processes blocked, or the waiters were never put to the test.
      expect(blockedSeen).toBeGreaterThan(20)
    } finally {
      await cleanup()
    }
  })
})
