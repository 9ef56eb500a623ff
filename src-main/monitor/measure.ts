import { createMonitor } from './monitor'
import type { Monitor } from './types'

export interface SampleCost {
  sampler: string
  processes: number
  wallMs: number
  /** User + system CPU of this Node process for the sample (process.cpuUsage), in ms. */
  cpuMs: number
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
  if (options.warmup ?? true) {
    await monitor.list(none)
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
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100
}
