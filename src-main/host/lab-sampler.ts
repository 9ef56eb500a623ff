// CPU and memory of the run's lab processes, once a second while a run is live, for the session
// log (issue 5: enough to draw them over time). On Linux only the lab's own /proc/<pid>/stat
// files are read (a few µs each); a full process-table sample would cost ~0.1 s of CPU a second.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import type { EventBody } from '../../src-shared/events'
import { parseProcStat, type Monitor } from '../monitor'

export interface LabPid {
  lid: string
  pid: number
}

type Sample = Extract<EventBody, { kind: 'monitor.sample' }>['processes']

export class LabSampler {
  private timer: NodeJS.Timeout | null = null
  private busy = false
  /** Previous CPU time (ticks) and when, by lid: CPU % is over the interval between samples. */
  private previous = new Map<string, { ticks: number; at: number }>()
  private facts: { pageSize: number; ticksPerSecond: number } | null = null

  constructor(
    private readonly intervalMs: number,
    private readonly livePids: () => LabPid[],
    private readonly monitor: Monitor,
    private readonly emit: (body: EventBody) => void,
  ) {}

  start(): void {
    if (this.intervalMs <= 0 || this.timer) return
    this.previous.clear()
    this.timer = setInterval(() => void this.tick(), this.intervalMs)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  private async tick(): Promise<void> {
    if (this.busy) return // a slow sample on a loaded machine: skip a beat rather than pile up
    this.busy = true
    try {
      const pids = this.livePids()
      if (pids.length === 0) return
      const processes = process.platform === 'linux' ? this.sampleProc(pids) : await this.sampleMonitor(pids)
      if (processes.length > 0 && this.timer) this.emit({ kind: 'monitor.sample', processes })
    } catch {
      // A sample is nice to have: a process that vanished mid-read must not disturb the run.
    } finally {
      this.busy = false
    }
  }

  private sampleProc(pids: LabPid[]): Sample {
    this.facts ??= systemFacts()
    const { pageSize, ticksPerSecond } = this.facts
    const now = performance.now()
    const out: Sample = []
    for (const { lid, pid } of pids) {
      let stat
      try {
        stat = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))
      } catch {
        continue // exited between the registry and the read
      }
      if (!stat) continue
      const ticks = stat.utime + stat.stime
      const before = this.previous.get(lid)
      this.previous.set(lid, { ticks, at: now })
      const seconds = before ? (now - before.at) / 1000 : 0
      const cpu = before && seconds > 0 ? ((ticks - before.ticks) / ticksPerSecond / seconds) * 100 : 0
      out.push({ lid, pid, cpu: Math.round(Math.max(0, cpu) * 10) / 10, rss: stat.rss * pageSize })
    }
    return out
  }

  private async sampleMonitor(pids: LabPid[]): Promise<Sample> {
    const byPid = new Map(pids.map((p) => [p.pid, p.lid]))
    const rows = await this.monitor.list(new Set(byPid.keys()))
    return rows.filter((row) => byPid.has(row.pid)).map((row) => ({ lid: byPid.get(row.pid)!, pid: row.pid, cpu: row.cpu, rss: row.rss }))
  }
}

function systemFacts(): { pageSize: number; ticksPerSecond: number } {
  const getconf = (name: string, fallback: number): number => {
    try {
      const value = Number(execFileSync('getconf', [name], { encoding: 'utf8', timeout: 2000 }).trim())
      return Number.isInteger(value) && value > 0 ? value : fallback
    } catch {
      return fallback
    }
  }
  return { pageSize: getconf('PAGESIZE', 4096), ticksPerSecond: getconf('CLK_TCK', 100) }
}
