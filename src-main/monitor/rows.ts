import type { SystemProcess } from '../../src-shared/contract'
import { cpuPercent } from './cpu'
import type { RawProcess, TimedSample } from './types'

/**
 * Turns a sample into contract rows. `previous` is the baseline for CPU %; without one (the first
 * sample) CPU is 0, as the contract says, rather than an average since boot.
 */
export function buildRows(previous: TimedSample | null, current: TimedSample, labPids: ReadonlySet<number>, cores: number): SystemProcess[] {
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
  }))
}
