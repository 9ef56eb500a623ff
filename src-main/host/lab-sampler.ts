// CPU and memory of the run's lab processes, once a second while a run is live, for the session
// log (issue 5: enough to draw them over time). Where the OS can read a few processes on their own
// (Linux: their /proc/<pid>/stat files, a few µs each), only the lab's are read; a full
// process-table sample would cost ~0.1 s of CPU a second. Elsewhere the monitor's table is used.
import type { EventBody } from '../../src-shared/events'
import type { Monitor } from '../monitor'
import { platform, type ProcessUsage } from '../platform'

export interface LabPid {
  lid: string
  pid: number
}

type Sample = Extract<EventBody, { kind: 'monitor.sample' }>['processes']

export class LabSampler {
  private timer: NodeJS.Timeout | null = null
  private busy = false
  /** Previous CPU time (ms) and when, by lid: CPU % is over the interval between samples. */
  private previous = new Map<string, { cpuTimeMs: number; at: number }>()

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
      const usage = platform.processes.usage
      const processes = usage ? this.sampleOwn(pids, usage) : await this.sampleMonitor(pids)
      if (processes.length > 0 && this.timer) this.emit({ kind: 'monitor.sample', processes })
    } catch {
      // A sample is nice to have: a process that vanished mid-read must not disturb the run.
    } finally {
      this.busy = false
    }
  }

  private sampleOwn(pids: LabPid[], usage: (pids: readonly number[]) => Map<number, ProcessUsage>): Sample {
    const now = performance.now()
    const read = usage(pids.map((p) => p.pid))
    const out: Sample = []
    for (const { lid, pid } of pids) {
      const found = read.get(pid)
      if (!found) continue // exited between the registry and the read
      const before = this.previous.get(lid)
      this.previous.set(lid, { cpuTimeMs: found.cpuTimeMs, at: now })
      const elapsedMs = before ? now - before.at : 0
      const cpu = before && elapsedMs > 0 ? ((found.cpuTimeMs - before.cpuTimeMs) / elapsedMs) * 100 : 0
      out.push({ lid, pid, cpu: Math.round(Math.max(0, cpu) * 10) / 10, rss: found.rss })
    }
    return out
  }

  private async sampleMonitor(pids: LabPid[]): Promise<Sample> {
    const byPid = new Map(pids.map((p) => [p.pid, p.lid]))
    const rows = await this.monitor.list(new Set(byPid.keys()))
    return rows.filter((row) => byPid.has(row.pid)).map((row) => ({ lid: byPid.get(row.pid)!, pid: row.pid, cpu: row.cpu, rss: row.rss }))
  }
}
