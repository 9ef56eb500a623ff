// Issue 16's property for processes and output (a sibling of fold-agreement.test.ts, which does
// locks): for random streams of processes that start children, print, flood (a gap), start OS
// processes, block in calls (process.wait), are orphaned and exit, the live Lab view, the live
// timeline, the replay of the recorded file and the Chrome trace agree on every process (its
// lifetime, how it ended, its parent), on how many lines each printed and on every blocked call
// the timeline and the trace draw, and all of them agree with what the driver did.
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { exportSession, readRunForReplay } from '../../src-main/session'
import { applyEvent, emptyRun, linesIn, type RunModel } from '../../src-renderer/features/lab/runModel'
import { applyTimelineEvents, emptyTimeline, type TimelineModel } from '../../src-renderer/features/timeline/timelineModel'
import type { FrameEvent } from '../../src-shared/events'
import { collect, tempDir, traceProblems, writeSessionFile, type TraceEvent } from '../fixtures/session/helpers'
import { seededRandom } from '../helpers/seeded-random'

/** "lid pid parentLid start end exitCode signal": one process's life, the form every side is brought to. */
type Life = string
/** "lid lines". */
type Lines = string
/** "lid on start end outcome": a blocked call. */
type Blocked = string

interface World {
  events: Record<string, unknown>[]
  lives: Life[]
  /** Lab processes only: the timeline draws no lane for an OS process. */
  labLives: Life[]
  lines: Lines[]
  /** The OS parent pid each process ended with (an orphan's is its new parent's). */
  ppids: string[]
  blocked: Blocked[]
}

interface Proc {
  lid: string
  pid: number
  ppid: number
  parentLid: string | null
  os: boolean
  start: number
  alive: boolean
  lines: number
  /** Its open blocked call, if any. */
  waiting: { wait: number; on: string; start: number } | null
  waits: number
}

function simulate(seed: number): World {
  const random = seededRandom(seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
  let clock = 1_000
  const events: Record<string, unknown>[] = [{ kind: 'run.start', title: 'fold', source: 'fold', t: clock }]
  const procs: Proc[] = []
  const lives: Life[] = []
  const labLives: Life[] = []
  const blocked: Blocked[] = []
  const resume = (p: Proc, outcome: string) => {
    const open = p.waiting!
    p.waiting = null
    blocked.push(`${p.lid} ${open.on} ${open.start} ${clock} ${outcome}`)
    if (outcome !== 'gone') events.push({ kind: 'process.resume', lid: p.lid, pid: p.pid, wait: open.wait, outcome, waitedUs: clock - open.start, t: clock })
  }
  const startProcess = (parent: Proc | null, os: boolean) => {
    const n = procs.length
    const p: Proc = { lid: parent ? `${parent.lid}.${n}` : 'r1.0', pid: 4000 + n, ppid: parent?.pid ?? 1, parentLid: parent?.lid ?? null, os, start: clock, alive: true, lines: 0, waiting: null, waits: 0 }
    procs.push(p)
    if (os) events.push({ kind: 'os.start', lid: p.lid, pid: p.pid, ppid: p.ppid, parentLid: p.parentLid, command: `sleep ${n}`, t: clock })
    else events.push({ kind: 'process.start', lid: p.lid, pid: p.pid, ppid: p.ppid, name: `P${n}`, daemon: random() < 0.2, parentLid: p.parentLid, target: 'work', t: clock })
  }
  const exit = (p: Proc) => {
    const signal = random() < 0.25 ? pick(['SIGTERM', 'SIGKILL']) : null
    const exitCode = signal === 'SIGTERM' ? -15 : signal === 'SIGKILL' ? -9 : random() < 0.7 ? 0 : 1
    p.alive = false
    // Its exit ends what it was blocked in.
    if (p.waiting) resume(p, 'gone')
    if (p.os) events.push({ kind: 'os.exit', lid: p.lid, pid: p.pid, exitCode, signal, reapedBy: pick(['parent', 'other']), t: clock })
    else events.push({ kind: 'process.exit', lid: p.lid, pid: p.pid, exitCode, signal, t: clock })
    const life = `${p.lid} ${p.pid} ${p.parentLid} ${p.start} ${clock} ${exitCode} ${signal}`
    lives.push(life)
    if (!p.os) labLives.push(life)
  }
  startProcess(null, false)
  for (let step = 0; step < 120; step++) {
    clock += 1 + Math.floor(random() * 50)
    const alive = procs.filter((p) => p.alive)
    if (alive.length === 0) break
    const p = pick(alive)
    const roll = random()
    const labParents = alive.filter((q) => !q.os)
    if (roll < 0.12 && procs.length < 12 && labParents.length > 0) startProcess(pick(labParents), random() < 0.35)
    else if (roll < 0.2 && p.lid !== 'r1.0') exit(p)
    else if (roll < 0.25 && p.os && !procs.find((q) => q.lid === p.parentLid)?.alive) {
      // An orphan: its parent is gone and the OS gave it to init.
      events.push({ kind: 'process.reparent', lid: p.lid, pid: p.pid, oldPpid: p.ppid, newPpid: 1, newParentName: 'init', t: clock })
      p.ppid = 1
    } else if (roll < 0.3 && p.os) events.push({ kind: 'process.zombie', lid: p.lid, pid: p.pid, ppid: p.ppid, t: clock })
    else if (roll < 0.45 && !p.os && p.waiting) resume(p, pick(['done', 'done', 'timeout', 'error']))
    else if (roll < 0.45 && !p.os) {
      // Reported once it has lasted: it began waitedUs before the report.
      const waitedUs = 5 + Math.floor(random() * (clock - p.start))
      p.waiting = { wait: ++p.waits, on: pick(['queue.get', 'join', 'sleep', 'pipe.recv']), start: clock - waitedUs }
      events.push({ kind: 'process.wait', lid: p.lid, pid: p.pid, wait: p.waiting.wait, on: p.waiting.on, object: null, target: null, timeoutMs: null, waitedUs, t: clock })
    } else if (roll < 0.48 && !p.os) {
      const count = 1 + Math.floor(random() * 500)
      p.lines += count
      events.push({ kind: 'output.gap', lid: p.lid, pid: p.pid, count, t: clock })
    } else if (!p.os) {
      p.lines++
      events.push({ kind: pick(['stdout', 'stdout', 'stderr']), lid: p.lid, pid: p.pid, line: `line ${step}, "quoted", 中文`, t: clock })
    }
  }
  // The children end first, the main process last, as a run does.
  for (const p of procs.filter((q) => q.alive).reverse()) {
    clock += 3
    exit(p)
  }
  events.push({ kind: 'run.end', ok: true, error: null, durationUs: clock - 1_000, t: clock + 1 })
  return {
    events: events.map((event, i) => ({ seq: i + 1, runId: 'r1', ...event })),
    lives: lives.sort(),
    labLives: labLives.sort(),
    lines: procs.filter((p) => p.lines > 0).map((p) => `${p.lid} ${p.lines}`).sort(),
    ppids: procs.map((p) => `${p.lid} ${p.ppid}`).sort(),
    blocked: blocked.sort(),
  }
}

function runLives(model: RunModel): Life[] {
  return Object.values(model.processes)
    .map((p) => `${p.lid} ${p.pid} ${p.parentLid} ${p.startT} ${p.exitT} ${p.exitCode} ${p.signal}`)
    .sort()
}

/** Lines per process as the output pane counts them (its rows: lines, gaps, and notes that count none). */
function runLines(model: RunModel): Lines[] {
  const counts = new Map<string, number>()
  for (const row of model.lines) if (linesIn(row) > 0) counts.set(row.lid, (counts.get(row.lid) ?? 0) + linesIn(row))
  return [...counts].map(([lid, n]) => `${lid} ${n}`).sort()
}

function laneLives(model: TimelineModel): Life[] {
  return Object.values(model.lanes)
    .map((lane) => `${lane.lid} ${lane.pid} ${lane.parentLid} ${lane.start} ${lane.end} ${lane.exitCode} ${lane.signal}`)
    .sort()
}

function laneBlocked(model: TimelineModel): Blocked[] {
  return Object.values(model.lanes)
    .flatMap((lane) => lane.spans)
    .flatMap((span) => (span.kind === 'blocked' ? [`${span.lid} ${span.on} ${span.start} ${span.end} ${span.outcome}`] : []))
    .sort()
}

function fold(events: object[]): { run: RunModel; timeline: TimelineModel } {
  const run = emptyRun()
  const timeline = emptyTimeline()
  for (const event of events as FrameEvent[]) applyEvent(run, event)
  applyTimelineEvents(timeline, events as FrameEvent[])
  return { run, timeline }
}

async function traceOf(file: string): Promise<{ lives: Life[]; lines: Lines[]; blocked: Blocked[] }> {
  const { out, text } = collect()
  await exportSession(file, 'chrome-trace', out, { onWarning: () => {} })
  const trace = JSON.parse(text()) as { traceEvents: TraceEvent[] }
  expect(traceProblems(trace)).toEqual([])
  const lidOf = new Map<number, string>()
  const lives = trace.traceEvents
    .filter((e) => e.ph === 'X' && e.cat === 'process')
    .map((e) => {
      const args = e.args as Record<string, unknown>
      lidOf.set(e.pid, String(args.lid))
      return `${args.lid} ${args.pid} ${args.parentLid} ${e.ts} ${e.ts + e.dur!} ${args.exitCode} ${args.signal}`
    })
    .sort()
  const counts = new Map<string, number>()
  for (const e of trace.traceEvents) {
    if (e.ph !== 'i' || e.cat !== 'output') continue
    const n = e.name === 'output.gap' ? Number((e.args as Record<string, unknown>).count) : 1
    const lid = lidOf.get(e.pid) ?? `pid ${e.pid}`
    counts.set(lid, (counts.get(lid) ?? 0) + n)
  }
  const blocked = trace.traceEvents
    .filter((e) => e.ph === 'X' && e.cat === 'wait')
    .map((e) => `${lidOf.get(e.pid)} ${e.name} ${e.ts} ${e.ts + e.dur!} ${(e.args as Record<string, unknown>).outcome}`)
    .sort()
  return { lives, lines: [...counts].map(([lid, n]) => `${lid} ${n}`).sort(), blocked }
}

describe('one process fold and one output fold: live view, replay and Chrome trace agree with what happened', () => {
  it('on 60 random streams of processes, output, blocked calls, OS processes and orphans', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      const seen = new Map<string, number>()
      for (let seed = 1; seed <= 60; seed++) {
        const world = simulate(seed)
        for (const event of world.events) seen.set(String(event.kind), (seen.get(String(event.kind)) ?? 0) + 1)
        const why = `seed ${seed}`
        const live = fold(world.events)
        expect(runLives(live.run), why).toEqual(world.lives)
        expect(Object.values(live.run.processes).map((p) => `${p.lid} ${p.ppid}`).sort(), why).toEqual(world.ppids)
        expect(laneLives(live.timeline), why).toEqual(world.labLives)
        expect(laneBlocked(live.timeline), why).toEqual(world.blocked)
        expect(runLines(live.run), why).toEqual(world.lines)
        expect(live.run.linesTotal, why).toBe(world.lines.reduce((sum, entry) => sum + Number(entry.split(' ')[1]), 0))

        const file = join(dir, `p${seed}.ndjson`)
        await writeSessionFile(file, world.events)
        const replay = await readRunForReplay(file, `p${seed}.ndjson`, 'r1')
        const replayed = fold(replay.events)
        expect(runLives(replayed.run), why).toEqual(world.lives)
        expect(laneLives(replayed.timeline), why).toEqual(world.labLives)
        expect(laneBlocked(replayed.timeline), why).toEqual(world.blocked)
        expect(runLines(replayed.run), why).toEqual(world.lines)

        const trace = await traceOf(file)
        expect(trace.lives, why).toEqual(world.lives)
        expect(trace.lines, why).toEqual(world.lines)
        expect(trace.blocked, why).toEqual(world.blocked)
      }
      // The streams did hold what the property is about.
      for (const kind of ['os.start', 'os.exit', 'process.reparent', 'process.zombie', 'output.gap', 'stderr', 'process.wait', 'process.resume']) expect(seen.get(kind) ?? 0, kind).toBeGreaterThan(5)
    } finally {
      await cleanup()
    }
  })
})
