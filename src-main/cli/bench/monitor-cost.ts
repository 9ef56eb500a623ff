// What one sample of the machine's process table costs (`proclab bench`'s monitor rows).
import { createMonitor, type Monitor } from '../../monitor'

export interface SampleCost {
  sampler: string
  processes: number
  wallMs: number
  /** User + system CPU of this Node process for the sample (process.cpuUsage), in ms. */
  cpuMs: number
  /**
   * CPU of the warm-up call, a new monitor's first sample (it opens and reads every file), or null
   * without one. The measured call is a running monitor's refresh: it skips what did not change.
   */
  firstCpuMs: number | null
}

/**
 * Wall and CPU time of one full `list()` (sample + rows) — for `proclab bench`. A first, unmeasured
 * call pays the one-time costs (getconf, /etc/passwd, loading systeminformation) unless warmup is
 * false; then we wait `gapMs`, because systeminformation answers calls < 500 ms apart from its cache
 * and we would be timing that.
 */
export async function measureSampleCost(options: { monitor?: Monitor; warmup?: boolean; gapMs?: number } = {}): Promise<SampleCost> {
  const monitor = options.monitor ?? createMonitor()
  const none = new Set<number>()
  let firstCpuMs: number | null = null
  if (options.warmup ?? true) {
    const before = process.cpuUsage()
    await monitor.list(none)
    const first = process.cpuUsage(before)
    firstCpuMs = round((first.user + first.system) / 1000)
    await new Promise((resolve) => setTimeout(resolve, options.gapMs ?? 600))
  }
  const cpuBefore = process.cpuUsage()
  const wallBefore = performance.now()
  const rows = await monitor.list(none)
  const wallMs = performance.now() - wallBefore
  const cpu = process.cpuUsage(cpuBefore)
  return {
    sampler: monitor.sampler.kind,
    processes: rows.length,
    wallMs: round(wallMs),
    cpuMs: round((cpu.user + cpu.system) / 1000),
    firstCpuMs,
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100
}
