// Chrome Trace Event JSON, for Perfetto and chrome://tracing. Each lab process is a trace
// process named "name (pid)": its lifetime is an X slice on its main track, with its output and
// the user's actions on it as instants; lock waits and holds are X slices on lanes of their own
// (see trace-tracks.ts); queue depths, what is in each pipe and who is blocked on either are C
// counters on the host (the queue and pipe folds, src-shared/folds/), and the samples of each
// process's CPU and memory are counters on that process. Intervals are written when
// they end, so the output streams; viewers sort by ts themselves.
//
// A new event kind is one entry in HANDLERS; kinds without one become instants, so nothing
// recorded is lost from the trace. Lock waits and holds are the shared lock fold's spans
// (src-shared/folds/locks.ts), the same the UI draws, and so are the other blocking calls
// (process.wait, from the activity fold, folds/activity.ts); processes are named by the process fold
// (folds/processes.ts) and output lines read as the output fold reads them (folds/output.ts), as in the UI.
import { LockFold, type LockSpan } from '../../../src-shared/folds/locks'
import { QueueFold, type QueueState } from '../../../src-shared/folds/queues'
import { PipeFold, pipeBuffered, type PipeState } from '../../../src-shared/folds/pipes'
import { ProcessFold } from '../../../src-shared/folds/processes'
import { ActivityFold, type WaitSpan } from '../../../src-shared/folds/activity'
import { itemOf } from '../../../src-shared/folds/output'
import { ObjectLabels } from './object-labels'
import { asLoose, num, str, type LooseEvent } from '../lab-events'
import type { SessionHeader } from '../format'
import type { EventFilter } from './filter'
import { TraceTracks, type TraceEvent, type TraceProcess } from './trace-tracks'
import type { ExporterFactory } from './types'

const WAITS = 'lock waits'
const HOLDS = 'lock holds'
const TASKS = 'pool tasks'
/** What a process is blocked on besides locks (process.wait, issue 16). */
const BLOCKED = 'waits'
const STAMP = new Set(['seq', 't', 'kind', 'runId', 'lid', 'pid'])

interface OpenInterval {
  proc: TraceProcess
  label: string
  tid: number
  start: number
  name: string
  cat: string
  args: Record<string, unknown>
}

export class TraceBuilder {
  readonly tracks: TraceTracks
  private readonly from: number
  private readonly to: number
  /** Intervals by label, key and process (a Pool's chunks), paired by openInterval and closeInterval. */
  private readonly open = new Map<string, OpenInterval[]>()
  /** The lock fold's open spans, as intervals on their process's lanes. */
  private readonly lockSpans = new Map<LockSpan, OpenInterval>()
  /** The activity fold's open waits (process.wait), likewise. */
  private readonly waitSpans = new Map<WaitSpan, OpenInterval>()
  /** Whether the event being folded ended a wait: a resume that ended none is kept as an instant. */
  waitEnded = false
  private run: { start: number; args: Record<string, unknown>; name: string } | null = null
  private runsEndAt = -Infinity
  /** The run's open pause (issue 17), drawn as a slice once it ends. */
  private pause: { start: number; args: Record<string, unknown> } | null = null
  lastT = 0

  constructor(
    header: SessionHeader,
    filter: EventFilter,
    private readonly emit: (event: TraceEvent) => void,
  ) {
    this.tracks = new TraceTracks(header, emit)
    this.from = filter.fromUs ?? -Infinity
    this.to = filter.toUs ?? Infinity
  }

  /** The process an event is about, or the host for events about no known lab process. */
  trackOf(e: LooseEvent): TraceProcess {
    const lid = str(e, 'lid')
    const pid = num(e, 'pid')
    const known = this.tracks.find(lid, pid)
    if (known) return known
    // A lab process whose start is not in the log (or was filtered out): still named and drawn.
    return lid !== null && pid !== null ? this.tracks.process(lid, pid, null) : this.tracks.host
  }

  instant(proc: TraceProcess, e: LooseEvent, name: string, cat: string, args: Record<string, unknown>): void {
    if (e.t < this.from || e.t > this.to) return
    this.emit({ name, cat, ph: 'i', s: 't', ts: e.t, pid: proc.pid, tid: proc.pid, args: { seq: e.seq, ...args } })
  }

  /** A counter track: a process's own, or the host's for what belongs to no one process (a queue). */
  counter(e: LooseEvent, name: string, values: Record<string, number>, proc: TraceProcess = this.tracks.host): void {
    if (e.t < this.from || e.t > this.to) return
    this.emit({ name, cat: 'counter', ph: 'C', ts: e.t, pid: proc.pid, tid: proc.pid, args: values })
  }

  /** Clipped to the export's time range; dropped when wholly outside it. */
  slice(pid: number, tid: number, start: number, end: number, name: string, cat: string, args: Record<string, unknown>): void {
    const from = Math.max(start, this.from)
    const to = Math.min(Math.max(end, start), this.to)
    if (to < from) return
    this.emit({ name, cat, ph: 'X', ts: from, dur: to - from, pid, tid, args })
  }

  /** Starts an interval of `label` on the process's lanes; `key` pairs it with its end. */
  openInterval(e: LooseEvent, label: string, key: string, name: string, cat: string, args: Record<string, unknown>): void {
    const proc = this.trackOf(e)
    const tid = this.tracks.takeLane(proc, label, e.t)
    const id = intervalKey(label, key, proc)
    let list = this.open.get(id)
    if (!list) this.open.set(id, (list = []))
    list.push({ proc, label, tid, start: e.t, name, cat, args: { seq: e.seq, ...args } })
  }

  /**
   * Ends the matching interval. With none open (its start was never recorded), `knownStart`
   * still draws it when the end event says how long it lasted.
   */
  closeInterval(
    e: LooseEvent,
    label: string,
    key: string,
    order: 'fifo' | 'lifo',
    args: Record<string, unknown>,
    fallback: { start: number; name: string; cat: string } | null,
  ): boolean {
    const proc = this.trackOf(e)
    const found = this.takeOpen(label, key, proc, order)
    if (found) {
      this.endInterval(found, e.t, args)
      return true
    }
    if (fallback) {
      const start = Math.min(fallback.start, e.t)
      const tid = this.tracks.takeLane(proc, label, start)
      this.tracks.releaseLane(proc, label, tid, e.t)
      this.slice(proc.pid, tid, start, e.t, fallback.name, fallback.cat, { seq: e.seq, ...args })
    }
    return false
  }

  /** Ends every open interval of a process (it exited) or of all (the log ended). */
  closeAll(proc: TraceProcess | null, t: number, args: Record<string, unknown>): void {
    for (const [id, list] of this.open) {
      const keep = list.filter((open) => proc !== null && open.proc !== proc)
      for (const open of list) if (!keep.includes(open)) this.endInterval(open, t, args)
      if (keep.length === 0) this.open.delete(id)
      else this.open.set(id, keep)
    }
  }

  /** A wait or hold the lock fold opened: it takes a lane of its process until it closes. */
  openLockSpan(span: LockSpan): void {
    const proc = this.trackOf({ seq: 0, t: span.start, kind: 'lock', runId: null, lid: span.lid, pid: span.pid })
    const label = span.kind === 'wait' ? WAITS : HOLDS
    const tid = this.tracks.takeLane(proc, label, span.start)
    this.lockSpans.set(span, { proc, label, tid, start: span.start, name: `${span.kind} ${span.object}`, cat: 'lock', args: { object: span.object } })
  }

  /** Its end; a span opened and closed at once (a hold whose start was not recorded) gets a lane of its own. */
  closeLockSpan(span: LockSpan): void {
    const end = span.end ?? this.lastT
    const args = { outcome: span.outcome, ...(span.depth > 1 ? { depth: span.depth } : {}) }
    const open = this.lockSpans.get(span)
    if (open) {
      this.lockSpans.delete(span)
      return this.endInterval(open, end, args)
    }
    this.openLockSpan(span)
    const late = this.lockSpans.get(span)!
    this.lockSpans.delete(span)
    this.endInterval(late, end, args)
  }

  /** A wait the activity fold opened: a slice on its process's 'waits' lane from when the call began. */
  openWaitSpan(span: WaitSpan): void {
    const proc = this.trackOf({ seq: 0, t: span.start, kind: 'process.wait', runId: null, lid: span.lid, pid: span.pid })
    const tid = this.tracks.takeLane(proc, BLOCKED, span.start)
    const what = span.object ?? span.target
    const args = { wait: span.wait, on: span.on, object: span.object, target: span.target, timeoutMs: span.timeoutMs }
    this.waitSpans.set(span, { proc, label: BLOCKED, tid, start: span.start, name: what === null ? span.on : `${span.on} ${what}`, cat: 'wait', args })
  }

  closeWaitSpan(span: WaitSpan): void {
    const open = this.waitSpans.get(span)
    if (!open) return
    this.waitSpans.delete(span)
    this.waitEnded = true
    const end = span.end ?? this.lastT
    this.endInterval(open, end, { outcome: span.outcome, waitedUs: end - span.start })
  }

  startRun(e: LooseEvent): void {
    if (this.run) this.endRun(e.t, { ended: false })
    // Runs share the host's track, so one may not begin before the last one ended (a damaged
    // or edited file can have a run.start whose t goes back).
    this.run = { start: Math.max(e.t, this.runsEndAt), name: `run: ${str(e, 'title') ?? ''}`, args: { runId: e.runId, source: e.source } }
  }

  /** run.paused (issue 17): a "paused" slice on the host's track, inside the run's, until the resume. */
  startPause(e: LooseEvent): void {
    if (this.pause) return
    this.pause = { start: e.t, args: { seq: e.seq, ...rest(e) } }
  }

  endPause(t: number, args: Record<string, unknown>): void {
    if (!this.pause) return
    const host = this.tracks.host
    this.slice(host.pid, host.pid, this.pause.start, t, 'paused', 'pause', { ...this.pause.args, ...args })
    this.pause = null
  }

  endRun(t: number, args: Record<string, unknown>): void {
    if (!this.run) return
    // A run that ends paused (its lab main killed) ends its pause with it.
    this.endPause(t, { endedBy: 'run.end' })
    const host = this.tracks.host
    this.runsEndAt = Math.max(t, this.run.start)
    this.slice(host.pid, host.pid, this.run.start, t, this.run.name, 'run', { ...this.run.args, ...args })
    this.run = null
  }

  /** `name`: the process fold's name for it (an OS process goes by its program). */
  startProcess(e: LooseEvent, name: string | null, drawLifetime: boolean): void {
    const pid = num(e, 'pid') ?? 0
    const proc = this.tracks.process(str(e, 'lid'), pid, name ?? `process ${pid}`)
    // A second start of one lid (a damaged file) begins after the first lifetime ended, on the same track.
    proc.startT = Math.max(e.t, proc.exitT ?? -Infinity)
    proc.exitT = null
    proc.lifetime = drawLifetime ? { ...rest(e), pid, lid: e.lid } : null
  }

  exitProcess(e: LooseEvent): void {
    const proc = this.trackOf(e)
    proc.exitT = e.t
    this.closeAll(proc, e.t, { endedBy: 'exit' })
    this.endLifetime(proc, e.t, { exitCode: e.exitCode ?? null, signal: e.signal ?? null })
  }

  endLifetime(proc: TraceProcess, t: number, args: Record<string, unknown>): void {
    if (proc.startT === null || proc.lifetime === null) return
    this.slice(proc.pid, proc.pid, proc.startT, t, proc.name, 'process', { ...proc.lifetime, ...args })
    proc.lifetime = null
  }

  finish(liveProcesses: Iterable<TraceProcess>): void {
    this.closeAll(null, this.lastT, { unfinished: true })
    for (const [span, open] of this.lockSpans) this.endInterval(open, this.lastT, { object: span.object, unfinished: true })
    this.lockSpans.clear()
    for (const open of this.waitSpans.values()) this.endInterval(open, this.lastT, { unfinished: true })
    this.waitSpans.clear()
    for (const proc of liveProcesses) this.endLifetime(proc, this.lastT, { exited: false })
    this.endRun(this.lastT, { ended: false })
  }

  private takeOpen(label: string, key: string, proc: TraceProcess, order: 'fifo' | 'lifo'): OpenInterval | null {
    const id = intervalKey(label, key, proc)
    let list = this.open.get(id)
    let listId = id
    if (!list || list.length === 0) {
      // A plain Lock may be released by a process other than its holder, as in Python.
      const prefix = `${label}\u0000${key}\u0000`
      for (const [other, candidates] of this.open) {
        if (other.startsWith(prefix) && candidates.length > 0) {
          list = candidates
          listId = other
          break
        }
      }
    }
    if (!list || list.length === 0) return null
    const found = order === 'fifo' ? list.shift()! : list.pop()!
    if (list.length === 0) this.open.delete(listId)
    return found
  }

  private endInterval(open: OpenInterval, end: number, args: Record<string, unknown>): void {
    const stop = Math.max(end, open.start)
    this.tracks.releaseLane(open.proc, open.label, open.tid, stop)
    this.slice(open.proc.pid, open.tid, open.start, stop, open.name, open.cat, { ...open.args, ...args })
  }
}

type Handler = (e: LooseEvent, b: TraceBuilder) => void

function intervalKey(label: string, key: string, proc: TraceProcess): string {
  return `${label}\u0000${key}\u0000${proc.lid ?? proc.pid}`
}

/** An event's own fields, without the stamp every event has. */
function rest(e: LooseEvent): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(e)) if (!STAMP.has(key)) out[key] = e[key]
  return out
}

const output: Handler = (e, b) => {
  const item = itemOf(e)
  b.instant(b.trackOf(e), e, e.kind, 'output', { line: item?.kind === 'line' ? item.text : e.line })
}

const pipe: Handler = (e, b) =>
  b.instant(b.trackOf(e), e, `${e.kind} ${str(e, 'object') ?? ''}`, 'pipe', rest(e))

/** The queue fold's depth and waiters, as counters on the host at time t. */
function queueCounters(b: TraceBuilder): QueueFold {
  return new QueueFold({
    depth: (queue, t) => b.counter(at(t), `queue ${queue.object} depth`, { depth: queue.depth }),
    waiters: (queue, t) => b.counter(at(t), `queue ${queue.object} waiting`, queueWaiting(queue)),
  })
}

/** The pipe fold's messages in transit each way and its waiters, as counters on the host. */
function pipeCounters(b: TraceBuilder): PipeFold {
  return new PipeFold({
    buffered: (pipe, t) => b.counter(at(t), `pipe ${pipe.object} in transit`, pipeInTransit(pipe)),
    waiters: (pipe, t) => b.counter(at(t), `pipe ${pipe.object} waiting`, pipeWaiting(pipe)),
  })
}

export function queueWaiting(queue: QueueState): Record<string, number> {
  return { getters: queue.getters.length, putters: queue.putters.length, joiners: queue.joiners.length }
}

export function pipeInTransit(pipe: PipeState): Record<string, number> {
  return { '0→1': pipeBuffered(pipe.dirs[0]), '1→0': pipeBuffered(pipe.dirs[1]) }
}

export function pipeWaiting(pipe: PipeState): Record<string, number> {
  return { receivers: pipe.receivers.length, senders: pipe.senders.length }
}

/** A counter's time, as the event the builder's counter() takes. */
function at(t: number): LooseEvent {
  return { seq: 0, t, kind: 'counter', runId: null }
}

/**
 * Manager proxies (issue 16): each call an instant on its caller's track, named for what it did
 * ("append results"); a write also moves a counter of the object's size. The contents' previews a
 * write carries stay out: the session log has them, a trace would repeat them at every write.
 */
const managerCall: Handler = (e, b) => {
  const object = str(e, 'object') ?? '?'
  const { entries: _entries, ...args } = rest(e)
  b.instant(b.trackOf(e), e, `${str(e, 'op') ?? e.kind} ${object}`, 'manager', args)
  const size = num(e, 'size')
  if (e.kind === 'manager.write' && size !== null) b.counter(e, `${object} size`, { size })
}

/** monitor.sample: one CPU and one memory counter per lab process it names. */
const samples: Handler = (e, b) => {
  const list = Array.isArray(e.processes) ? (e.processes as unknown[]) : []
  for (const entry of list) {
    if (typeof entry !== 'object' || entry === null) continue
    const sample = { seq: e.seq, t: e.t, runId: e.runId, kind: e.kind, ...(entry as Record<string, unknown>) }
    const proc = b.trackOf(sample)
    const cpu = num(sample, 'cpu')
    const rss = num(sample, 'rss')
    if (cpu !== null) b.counter(e, 'CPU %', { cpu }, proc)
    if (rss !== null) b.counter(e, 'memory MiB', { rss: Math.round((rss / 1048576) * 10) / 10 }, proc)
  }
}

export const HANDLERS: Record<string, Handler> = {
  'run.start': (e, b) => b.startRun(e),
  'run.end': (e, b) => b.endRun(e.t, rest(e)),
  // Pause the world (issue 17): a "paused" slice on the host's track, inside the run's.
  'run.paused': (e, b) => b.startPause(e),
  'run.resumed': (e, b) => b.endPause(e.t, rest(e)),
  // Step: where the user let the process go, and the operation it stopped before, on its track.
  'run.step': (e, b) => b.instant(b.trackOf(e), e, 'step', 'user', rest(e)),
  'process.at': (e, b) => b.instant(b.trackOf(e), e, `stopped before ${str(e, 'op') ?? '?'}`, 'process', rest(e)),
  'process.exit': (e, b) => b.exitProcess(e),
  // An OS process a lab process started unreaped: a process of the trace like a lab process; a zombie or an orphan's new parent is an instant on its track.
  'os.exit': (e, b) => b.exitProcess(e),
  'process.zombie': (e, b) => b.instant(b.trackOf(e), e, 'zombie (Z)', 'process', rest(e)),
  'process.reparent': (e, b) => b.instant(b.trackOf(e), e, `new parent ${num(e, 'newPpid') ?? '?'}`, 'process', rest(e)),
  stdout: output,
  stderr: output,
  'user.kill': (e, b) => b.instant(b.trackOf(e), e, `kill ${str(e, 'signal') ?? ''}`, 'user', { pid: e.pid, ...rest(e) }),
  'user.join': (e, b) => b.instant(b.trackOf(e), e, 'join', 'user', { pid: e.pid, ...rest(e) }),
  'lab.error': (e, b) => b.instant(b.tracks.host, e, 'lab.error', 'lab', rest(e)),
  // Waits and holds are drawn by the lock fold (see the exporter); these only keep the kinds from
  // becoming instants, except the one a reader must not miss.
  'lock.request': () => {},
  'lock.acquire': () => {},
  'lock.release': () => {},
  'lock.timeout': () => {},
  'lock.cancel': () => {},
  'lock.abandoned': (e, b) => b.instant(b.trackOf(e), e, `abandoned ${str(e, 'object') ?? '?'}`, 'lock', rest(e)),
  // Depths and waiters are the queue fold's counters (see the exporter).
  'queue.put': () => {},
  'queue.get': () => {},
  'pipe.send': pipe,
  'pipe.recv': pipe,
  'monitor.sample': samples,
  'manager.read': managerCall,
  'manager.write': managerCall,
  'manager.refused': managerCall,
  // A Pool's chunks: slices on a 'pool tasks' lane of the worker that ran them (issue 16).
  'pool.start': (e, b) => {
    const object = str(e, 'object') ?? '?'
    b.openInterval(e, TASKS, chunkKey(e), `task ${object}`, 'pool', { object, chunk: e.chunk, tasks: e.tasks })
  },
  // A wait is drawn by the activity fold (see the exporter); a resume that ended none (its
  // process's exit did, in a session cut there) stays an instant.
  'process.wait': () => {},
  'process.resume': (e, b) => {
    if (!b.waitEnded) b.instant(b.trackOf(e), e, e.kind, 'wait', rest(e))
  },
  'pool.done': poolTaskEnd,
  'pool.failed': poolTaskEnd,
  // Deadlocks named (issue 17): an instant on the host track and on each process of the cycle.
  'deadlock.found': (e, b) => deadlockInstants(e, b, `deadlock ${num(e, 'deadlock') ?? '?'}`),
  'process.stuck': (e, b) => b.instant(b.trackOf(e), e, `stuck in recv ${str(e, 'object') ?? '?'}`, 'deadlock', rest(e)),
  'deadlock.cleared': (e, b) => b.instant(b.tracks.host, e, `deadlock ${num(e, 'deadlock') ?? '?'} cleared`, 'deadlock', rest(e)),
  'pool.summary': (e, b) => {
    const object = str(e, 'object') ?? '?'
    const durationUs = num(e, 'durationUs') ?? 0
    // Never open: drawn whole from what it says.
    b.closeInterval(e, TASKS, 'summary', 'fifo', { ...rest(e), summary: true }, { start: e.t - durationUs, name: `${num(e, 'chunks') ?? '?'} chunks of ${object}`, cat: 'pool' })
  },
}

/** deadlock.found: the cycle as text (lid → object → lid ...) on the host, and a mark on each member's track. */
function deadlockInstants(e: LooseEvent, b: TraceBuilder, name: string): void {
  const cycle = Array.isArray(e.cycle) ? (e.cycle as Array<Record<string, unknown>>) : []
  const text = cycle.map((link) => `${String(link.lid)} → ${String(link.waitsFor)}`).join(' → ')
  b.instant(b.tracks.host, e, name, 'deadlock', { ...rest(e), cycle: text })
  for (const link of cycle) {
    if (typeof link !== 'object' || link === null) continue
    const member = { seq: e.seq, t: e.t, runId: e.runId, kind: e.kind, lid: link.lid, pid: link.pid }
    b.instant(b.trackOf(member), e, `${name}: waits for ${String(link.waitsFor)}`, 'deadlock', { waitsFor: link.waitsFor })
  }
}

function chunkKey(e: LooseEvent): string {
  return `${str(e, 'object') ?? '?'}#${num(e, 'chunk') ?? '?'}`
}

/**
 * The end of a chunk's slice. Its worker's exit may have come first (the pool reports in batches)
 * and closed the slice there: the outcome is then an instant on the worker, so it is not lost.
 */
function poolTaskEnd(e: LooseEvent, b: TraceBuilder): void {
  const args = { outcome: e.kind === 'pool.done' ? 'done' : 'failed', ...(e.kind === 'pool.failed' ? { error: e.error } : {}) }
  if (!b.closeInterval(e, TASKS, chunkKey(e), 'fifo', args, null)) b.instant(b.trackOf(e), e, e.kind, 'pool', rest(e))
}

function familyOf(kind: string): string {
  const dot = kind.indexOf('.')
  return dot === -1 ? kind : kind.slice(0, dot)
}

const generic: Handler = (e, b) => b.instant(b.trackOf(e), e, e.kind, familyOf(e.kind), rest(e))

export const chromeTraceExporter: ExporterFactory = (header, filter) => {
  const families = filter.kinds ? new Set(filter.kinds.map(familyOf)) : null
  const lab = new Map<string, TraceProcess>()
  let written = 0
  let pending: TraceEvent[] = []
  const builder = new TraceBuilder(header, filter, (event) => pending.push(event))
  const objects = new ObjectLabels()
  const locks = new LockFold({ opened: (span) => builder.openLockSpan(span), closed: (span) => builder.closeLockSpan(span) })
  const queues = queueCounters(builder)
  const pipes = pipeCounters(builder)
  const processes = new ProcessFold()
  // What each process was blocked in: its own lock fold is the one above, so it does not fold locks twice.
  const activity = new ActivityFold(locks, { opened: (span) => builder.openWaitSpan(span), closed: (span) => builder.closeWaitSpan(span) })

  function drain(sink: { push(text: string): void }): void {
    for (const event of pending) {
      sink.push((written === 0 ? '\n' : ',\n') + JSON.stringify(event))
      written++
    }
    pending = []
  }

  return {
    get written() {
      return written
    },
    start(sink) {
      sink.push('{"traceEvents":[')
      drain(sink) // the host's names
    },
    // The time range clips slices rather than dropping their ends, so every event is fed to
    // the builder. The kinds filter selects whole families (lock.* for lock.acquire), because
    // a slice needs both of its ends; process.start always names its process.
    event(record, _included, sink) {
      const e = asLoose(record.event)
      objects.relabel(e)
      if (e.t > builder.lastT) builder.lastT = e.t
      const wanted = families === null || families.has(familyOf(e.kind))
      // A lock's spans need its type and its processes' exits whatever the kinds filter says.
      if (families === null || families.has('lock')) {
        if (wanted || e.kind === 'object.create' || e.kind === 'process.exit' || e.kind === 'run.start') locks.apply(e)
      }
      // The folds read only their own kinds, object.create and process.* (who is blocked on them),
      // which they need whatever the kinds filter says.
      if (families === null || families.has('queue')) queues.apply(e)
      if (families === null || families.has('pipe')) pipes.apply(e)
      builder.waitEnded = false
      if (families === null || families.has('process')) activity.apply(e)
      // Every process event, whatever the filter: a process keeps its name and parent in the trace.
      const change = processes.apply(e)
      if (e.kind === 'process.start' || e.kind === 'os.start') {
        builder.startProcess(e, change?.process.name ?? null, wanted)
        const lid = str(e, 'lid')
        if (lid !== null) lab.set(lid, builder.trackOf(e))
      } else if (wanted) {
        ;(Object.hasOwn(HANDLERS, e.kind) ? HANDLERS[e.kind]! : generic)(e, builder) // not `in`: a kind may be '__proto__'
      }
      drain(sink)
    },
    finish(sink) {
      builder.finish(lab.values())
      drain(sink)
      const otherData = { proclab: header.version, platform: header.platform, startedAtWall: header.startedAtWall }
      sink.push(`\n],"displayTimeUnit":"ms","otherData":${JSON.stringify(otherData)}}\n`)
    },
  }
}
