import type { SystemProcess } from '../../src-shared/contract'
import { cpuPercent } from './cpu'
import type { RawProcess, TimedSample } from './types'

/**
 * Turns a sample into contract rows. `previous` is the baseline for CPU %; without one (the first
 * sample) CPU is 0, as the contract says, rather than an average since boot.
 */
export function buildRows(previous: TimedSample | null, current: TimedSample, labPids: ReadonlySet<number>, cores: number, memTotal = 0): SystemProcess[] {
  const before = new Map<number, RawProcess>()
  if (previous) for (const p of previous.processes) before.set(p.pid, p)
  const intervalMs = previous ? current.at - previous.at : 0
  return current.processes.map((p) => ({
    pid: p.pid,
    ppid: p.ppid,
    name: p.name,
    command: p.command,
    user: p.user,
    state: p.state,
    cpu: previous ? cpuPercent(before.get(p.pid), p, intervalMs, cores) : 0,
    rss: p.rss,
    startedAt: p.startedAt,
    lab: labPids.has(p.pid),
    threads: p.threads,
    nice: p.nice,
    // Unknown RAM (memTotal 0) reads as 0 % rather than Infinity.
    memPercent: memTotal > 0 ? Math.round((p.rss / memTotal) * 1000) / 10 : 0,
  }))
}
