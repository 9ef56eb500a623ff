import type { SignalRefusal, SystemProcess } from '../../src-shared/contract'
import { cpuPercent } from './cpu'
import { ancestorsOf } from './process-parents'
import { signalRefusal, type HostAccount } from './signal-rule'
import type { RawProcess, TimedSample } from './types'

/**
 * The rows of the last call, with the sample entries they were made from. Most processes of an
 * idle machine read the same from one second to the next (the sampler then hands back the same
 * RawProcess object): their row is handed back too, rather than remade, which spares the
 * collector ~1,000 objects a second and lets the change log tell "unchanged" by identity.
 */
export class RowReuse {
  private readonly madeFrom = new Map<number, RawProcess>()
  private readonly rows = new Map<number, SystemProcess>()

  /** The row made from `raw` last time, if its computed fields are still these. */
  find(raw: RawProcess, cpu: number, lab: boolean, signalRefused: SignalRefusal | null): SystemProcess | undefined {
    if (this.madeFrom.get(raw.pid) !== raw) return undefined
    const row = this.rows.get(raw.pid)
    return row && row.cpu === cpu && row.lab === lab && row.signalRefused === signalRefused ? row : undefined
  }

  /** Remembers this call's rows; entries of processes not in it are dropped. */
  keep(raws: readonly RawProcess[], rows: readonly SystemProcess[]): void {
    for (let i = 0; i < raws.length; i++) {
      this.madeFrom.set(raws[i]!.pid, raws[i]!)
      this.rows.set(rows[i]!.pid, rows[i]!)
    }
    // More entries than rows: some are of processes that ended.
    if (this.rows.size > raws.length) {
      const now = new Set(raws.map((p) => p.pid))
      for (const pid of this.rows.keys()) {
        if (now.has(pid)) continue
        this.rows.delete(pid)
        this.madeFrom.delete(pid)
      }
    }
  }
}

/** Who may signal what, for the rows of one sample (see signal-rule.ts). */
export interface RowSignalRule {
  account: HostAccount
  /** The host's pid and ProcLab's other processes. */
  hostPid: number
  protectedPids: ReadonlySet<number>
}

/**
 * Turns a sample into contract rows. `previous` is the baseline for CPU %; without one (the first
 * sample) CPU is 0, as the contract says, rather than an average since boot. With `reuse`, rows that
 * would come out the same as last time are last time's objects. Without `rule` no row is marked
 * refused (the host's own checks still apply when a signal is sent).
 */
export function buildRows(previous: TimedSample | null, current: TimedSample, labPids: ReadonlySet<number>, cores: number, memTotal = 0, reuse?: RowReuse, rule?: RowSignalRule): SystemProcess[] {
  const before = new Map<number, RawProcess>()
  if (previous) for (const p of previous.processes) before.set(p.pid, p)
  const intervalMs = previous ? current.at - previous.at : 0
  const refusalOf = rule ? refusalsFor(current, rule) : () => null
  const rows = current.processes.map((p) => {
    const cpu = previous ? cpuPercent(before.get(p.pid), p, intervalMs, cores) : 0
    const lab = labPids.has(p.pid)
    const signalRefused = refusalOf(p)
    return (
      reuse?.find(p, cpu, lab, signalRefused) ?? {
        pid: p.pid,
        ppid: p.ppid,
        name: p.name,
        command: p.command,
        user: p.user,
        state: p.state,
        cpu,
        rss: p.rss,
        startedAt: p.startedAt,
        lab,
        threads: p.threads,
        nice: p.nice,
        // Unknown RAM (memTotal 0) reads as 0 % rather than Infinity.
        memPercent: memTotal > 0 ? Math.round((p.rss / memTotal) * 1000) / 10 : 0,
        signalRefused,
      }
    )
  })
  reuse?.keep(current.processes, rows)
  return rows
}

/** signal-rule.ts for each process of `sample`, whose own parent links say which are the host's ancestors. */
function refusalsFor(sample: TimedSample, rule: RowSignalRule): (p: RawProcess) => SignalRefusal | null {
  const parents = new Map<number, number>()
  for (const p of sample.processes) parents.set(p.pid, p.ppid)
  const pids = { hostPid: rule.hostPid, protectedPids: rule.protectedPids, ancestorPids: ancestorsOf(rule.hostPid, parents) }
  return (p) => signalRefusal(p.pid, p.user, pids, rule.account)
}
