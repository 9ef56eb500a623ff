// The track layout of the Chrome trace. Perfetto requires slices on one track to nest, and a
// lock wait or hold is only known to end when a later event says so, so it cannot be nested by
// construction. Instead every interval kind gets lanes (synthetic threads) and an interval takes
// a lane that is idle for its whole span: intervals on one lane never overlap at all.
import type { SessionHeader } from '../format'

export interface TraceEvent {
  name: string
  cat?: string
  ph: 'X' | 'i' | 'C' | 'M'
  ts: number
  dur?: number
  pid: number
  tid: number
  /** Instant scope: thread, process or global. */
  s?: 't' | 'p' | 'g'
  args?: Record<string, unknown>
}

export interface TraceProcess {
  lid: string | null
  osPid: number
  /** The pid in the trace: the OS pid unless a reused pid would merge two processes. */
  pid: number
  name: string
  startT: number | null
  exitT: number | null
  /** Lifetime slice args (from process.start), null when the lifetime is not drawn. */
  lifetime: Record<string, unknown> | null
  lanes: Map<string, Lane[]>
}

interface Lane {
  tid: number
  busy: boolean
  /** When its last interval ended: a new one may start no earlier. */
  freeAt: number
}

// Synthetic ids sit far above real pids (Linux caps them at 2^22) and below 2^31.
const FIRST_SYNTHETIC_ID = 1_000_000_000

export class TraceTracks {
  readonly host: TraceProcess
  private readonly byLid = new Map<string, TraceProcess>()
  private readonly byOsPid = new Map<number, TraceProcess>()
  private readonly usedPids = new Set<number>()
  private nextSynthetic = FIRST_SYNTHETIC_ID

  constructor(
    header: SessionHeader,
    private readonly emit: (event: TraceEvent) => void,
  ) {
    this.host = this.create(null, header.hostPid, `ProcLab host (${header.hostPid})`, 'host')
  }

  /** A lab process seen for the first time; a later start of the same lid renames it. */
  process(lid: string | null, osPid: number, name: string | null): TraceProcess {
    const known = lid !== null ? this.byLid.get(lid) : undefined
    if (known) {
      if (name !== null && known.name !== name) this.name(known, name)
      return known
    }
    const proc = this.create(lid, osPid, name ?? `process`, null)
    if (lid !== null) this.byLid.set(lid, proc)
    this.byOsPid.set(osPid, proc)
    return proc
  }

  find(lid: string | null, osPid: number | null): TraceProcess | null {
    if (lid !== null) {
      const proc = this.byLid.get(lid)
      if (proc) return proc
    }
    return osPid !== null ? (this.byOsPid.get(osPid) ?? null) : null
  }

  /** Takes a lane of `label` on proc that is idle from `start` on. */
  takeLane(proc: TraceProcess, label: string, start: number): number {
    let lanes = proc.lanes.get(label)
    if (!lanes) proc.lanes.set(label, (lanes = []))
    let index = lanes.findIndex((lane) => !lane.busy && lane.freeAt <= start)
    if (index === -1) {
      const tid = this.nextSynthetic++
      lanes.push({ tid, busy: false, freeAt: -Infinity })
      index = lanes.length - 1
      this.emit(meta('thread_name', proc.pid, tid, index === 0 ? label : `${label} ${index + 1}`))
    }
    const lane = lanes[index]!
    lane.busy = true
    return lane.tid
  }

  releaseLane(proc: TraceProcess, label: string, tid: number, end: number): void {
    const lane = proc.lanes.get(label)?.find((l) => l.tid === tid)
    if (lane) {
      lane.busy = false
      lane.freeAt = Math.max(lane.freeAt, end)
    }
  }

  private create(lid: string | null, osPid: number, name: string, threadName: string | null): TraceProcess {
    // A pid from the file is used only if it is one: a whole number below the synthetic ids.
    const real = Number.isInteger(osPid) && osPid > 0 && osPid < FIRST_SYNTHETIC_ID
    const pid = real && !this.usedPids.has(osPid) ? osPid : this.nextSynthetic++
    this.usedPids.add(pid)
    const proc: TraceProcess = { lid, osPid, pid, name, startT: null, exitT: null, lifetime: null, lanes: new Map() }
    this.name(proc, name, threadName)
    return proc
  }

  private name(proc: TraceProcess, name: string, threadName: string | null = null): void {
    proc.name = name
    const label = proc.lid === null && threadName !== null ? name : `${name} (${proc.osPid})`
    this.emit(meta('process_name', proc.pid, proc.pid, label))
    this.emit(meta('thread_name', proc.pid, proc.pid, threadName ?? name))
  }
}

function meta(kind: 'process_name' | 'thread_name', pid: number, tid: number, name: string): TraceEvent {
  return { name: kind, ph: 'M', ts: 0, pid, tid, args: { name } }
}
