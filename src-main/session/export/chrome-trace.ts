// Chrome Trace Event JSON, for Perfetto and chrome://tracing. Each lab process is a trace
// process named "name (pid)": its lifetime is an X slice on its main track, with its output and
// the user's actions on it as instants; lock waits and holds are X slices on lanes of their own
// (see trace-tracks.ts); queue depths are C counters on the host, and the samples of each
// process's CPU and memory are counters on that process. Intervals are written when
// they end, so the output streams; viewers sort by ts themselves.
//
// A new event kind is one entry in HANDLERS; kinds without one become instants, so nothing
// recorded is lost from the trace.
import { ObjectLabels } from './object-labels'
import { asLoose, num, str, type LooseEvent } from '../lab-events'
import type { SessionHeader } from '../format'
import type { EventFilter } from './filter'
import { TraceTracks, type TraceEvent, type TraceProcess } from './trace-tracks'
import type { ExporterFactory } from './types'

const WAITS = 'lock waits'
const HOLDS = 'lock holds'
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
  private readonly open = new Map<string, OpenInterval[]>()
  private run: { start: number; args: Record<string, unknown>; name: string } | null = null
  private runsEndAt = -Infinity
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

  startRun(e: LooseEvent): void {
    if (this.run) this.endRun(e.t, { ended: false })
    // Runs share the host's track, so one may not begin before the last one ended (a damaged
    // or edited file can have a run.start whose t goes back).
    this.run = { start: Math.max(e.t, this.runsEndAt), name: `run: ${str(e, 'title') ?? ''}`, args: { runId: e.runId, source: e.source } }
  }

  endRun(t: number, args: Record<string, unknown>): void {
    if (!this.run) return
    const host = this.tracks.host
    this.runsEndAt = Math.max(t, this.run.start)
    this.slice(host.pid, host.pid, this.run.start, t, this.run.name, 'run', { ...this.run.args, ...args })
    this.run = null
  }

  startProcess(e: LooseEvent, drawLifetime: boolean): void {
    const pid = num(e, 'pid') ?? 0
    const proc = this.tracks.process(str(e, 'lid'), pid, str(e, 'name') ?? `process ${pid}`)
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

const output: Handler = (e, b) => b.instant(b.trackOf(e), e, e.kind, 'output', { line: e.line })

const pipe: Handler = (e, b) =>
  b.instant(b.trackOf(e), e, `${e.kind} ${str(e, 'object') ?? ''}`, 'pipe', rest(e))

const queueDepth: Handler = (e, b) => {
  const depth = num(e, 'depth')
  if (depth !== null) b.counter(e, `queue ${str(e, 'object') ?? '?'} depth`, { depth })
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
  'lock.request': (e, b) => {
    const object = str(e, 'object') ?? '?'
    b.openInterval(e, WAITS, object, `wait ${object}`, 'lock', { object })
  },
  'lock.acquire': (e, b) => {
    const object = str(e, 'object') ?? '?'
    const waitedUs = num(e, 'waitedUs')
    b.closeInterval(e, WAITS, object, 'fifo', { waitedUs }, waitedUs === null ? null : { start: e.t - waitedUs, name: `wait ${object}`, cat: 'lock' })
    b.openInterval(e, HOLDS, object, `hold ${object}`, 'lock', { object })
  },
  'lock.release': (e, b) => {
    const object = str(e, 'object') ?? '?'
    const heldUs = num(e, 'heldUs')
    b.closeInterval(e, HOLDS, object, 'lifo', { heldUs }, heldUs === null ? null : { start: e.t - heldUs, name: `hold ${object}`, cat: 'lock' })
  },
  'lock.abandoned': (e, b) => {
    const object = str(e, 'object') ?? '?'
    b.closeInterval(e, HOLDS, object, 'lifo', { abandoned: true }, null)
    b.instant(b.trackOf(e), e, `abandoned ${object}`, 'lock', rest(e))
  },
  'queue.put': queueDepth,
  'queue.get': queueDepth,
  'pipe.send': pipe,
  'pipe.recv': pipe,
  'monitor.sample': samples,
}

/** An os.start as a process.start: named by its program, as `ps` would. */
function osProcessStart(e: LooseEvent): LooseEvent {
  return { ...e, name: (str(e, 'command') ?? '').split(' ')[0] || `process ${num(e, 'pid') ?? '?'}` }
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
      if (e.kind === 'process.start' || e.kind === 'os.start') {
        builder.startProcess(e.kind === 'os.start' ? osProcessStart(e) : e, wanted)
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
