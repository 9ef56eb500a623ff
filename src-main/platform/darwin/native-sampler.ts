// macOS's process table from libproc, as htop and psutil read it: proc_listallpids, then one
// proc_pidinfo per process (PROC_PIDTASKALLINFO: parent, name, uid, status, nice, start, CPU,
// memory, threads). Another user's process answers only PROC_PIDT_SHORTBSDINFO unless ProcLab runs
// as root (ps is setuid root on macOS for this): its row has no CPU, memory, threads or start time.
// Command lines are read once per process (KERN_PROCARGS2), user names once per uid.
import type { ProcessSampler, RawProcess } from '../types'
import type { DarwinCalls } from './table-calls'
import { machTicksToMs, parseShortBsdInfo, parseTaskAllInfo, stateOf, type DarwinProcess, type Timebase } from './proc-info'
import { parseProcArgs } from './procargs'

/** ps calls a process idle (I) when it has slept for longer than about 20 seconds. */
export const IDLE_AFTER_MS = 20_000

/** One pid's row, or null when it is gone. */
export function readProcess(calls: DarwinCalls, pid: number): DarwinProcess | null {
  const all = calls.taskAllInfo(pid)
  if (all) return parseTaskAllInfo(all)
  const short = calls.shortBsdInfo(pid)
  return short ? parseShortBsdInfo(short) : null
}

/** When each process last used CPU, for ps's idle: a process is known by its pid and start. */
export class IdleClock {
  private last = new Map<string, { ticks: bigint; since: number }>()

  /** Whether `p` has used no CPU for IDLE_AFTER_MS, as far as the samples so far can tell. */
  idle(p: DarwinProcess, key: string, now: number, seen: Map<string, { ticks: bigint; since: number }>): boolean {
    if (!p.task) return false
    const before = this.last.get(key)
    const entry = before && before.ticks === p.task.cpuTicks ? before : { ticks: p.task.cpuTicks, since: now }
    seen.set(key, entry)
    return now - entry.since >= IDLE_AFTER_MS
  }

  /** Keeps only the processes of the latest sample. */
  replace(seen: Map<string, { ticks: bigint; since: number }>): void {
    this.last = seen
  }
}

export class DarwinNativeSampler implements ProcessSampler {
  static readonly KIND = 'darwin-libproc'
  readonly kind = DarwinNativeSampler.KIND
  private readonly timebase: Timebase
  private readonly users = new Map<number, string>()
  private commands = new Map<string, string>()
  private readonly idleClock = new IdleClock()

  constructor(
    private readonly calls: DarwinCalls,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.timebase = calls.timebase()
  }

  async sample(): Promise<RawProcess[]> {
    const now = this.now()
    const seen = new Map<string, { ticks: bigint; since: number }>()
    const commands = new Map<string, string>()
    const rows: RawProcess[] = []
    for (const pid of this.calls.listPids()) {
      const p = readProcess(this.calls, pid)
      if (!p) continue // ended since it was listed
      // A pid and its start name one process for good; without a start (another user's), its name and parent do, nearly.
      const key = `${p.pid}:${p.startedAt ?? `${p.name}:${p.ppid}`}`
      const command = this.commands.get(key) ?? this.commandOf(p)
      commands.set(key, command)
      rows.push(darwinRow(p, { user: this.userName(p.uid), command, idle: this.idleClock.idle(p, key, now, seen), timebase: this.timebase }))
    }
    this.idleClock.replace(seen)
    this.commands = commands
    return rows
  }

  private userName(uid: number): string {
    let name = this.users.get(uid)
    if (name === undefined) {
      // A uid without an entry is shown as its number, as ps does.
      name = this.calls.userName(uid) ?? String(uid)
      this.users.set(uid, name)
    }
    return name
  }

  private commandOf(p: DarwinProcess): string {
    const args = this.calls.procArgs(p.pid)
    const parsed = args ? parseProcArgs(args) : null
    if (parsed && parsed.argv.length > 0) return parsed.argv.join(' ')
    // Another user's arguments are not ours to read; its executable's path is.
    return this.calls.path(p.pid) ?? p.name
  }
}

/** A libproc process as every platform's row. */
export function darwinRow(p: DarwinProcess, extra: { user: string; command: string; idle: boolean; timebase: Timebase }): RawProcess {
  return {
    pid: p.pid,
    ppid: p.ppid,
    name: p.name,
    command: extra.command || p.name,
    user: extra.user,
    state: stateOf(p, extra.idle),
    cpuTimeMs: p.task ? machTicksToMs(p.task.cpuTicks, extra.timebase) : null,
    cpuPercentHint: null,
    rss: p.task?.residentSize ?? 0,
    startedAt: p.startedAt,
    threads: p.task?.threads ?? null,
    nice: p.nice,
  }
}
