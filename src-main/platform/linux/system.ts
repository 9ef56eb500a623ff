// Machine-wide figures from /proc: per-core CPU, load, memory, counts, uptime.
import { readdirSync } from 'node:fs'
import { totalmem } from 'node:os'
import type { SystemSummary } from '../../../src-shared/contract'
import type { SystemReader } from '../types'
import { readProcText } from './proc-files'

/** One core's counters from a `cpuN` line of /proc/stat, in clock ticks. */
export interface CoreTimes {
  busy: number
  total: number
}

/**
 * The per-core lines of /proc/stat ("cpu0 user nice system idle iowait irq softirq steal guest
 * guest_nice"), in order. Idle is idle + iowait, as htop counts it; guest time is already inside
 * user and nice, so it is not added again. Offline cores have no line and so no entry.
 */
export function parseCoreTimes(text: string): CoreTimes[] {
  const cores: CoreTimes[] = []
  for (const line of text.split('\n')) {
    if (!/^cpu\d+ /.test(line)) continue
    const f = line.split(/\s+/).slice(1, 9).map(Number)
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = f.map((n) => (Number.isFinite(n) ? n : 0))
    const total = user + nice + system + idle + iowait + irq + softirq + steal
    cores.push({ busy: total - idle - iowait, total })
  }
  return cores
}

/** % busy per core between two readings; a core with no ticks in between (or new since) reads its since-boot share. */
export function coreBusyPercent(before: readonly CoreTimes[] | null, now: readonly CoreTimes[]): number[] {
  return now.map((core, i) => {
    const prev = before?.[i]
    const dTotal = prev ? core.total - prev.total : 0
    const dBusy = prev ? core.busy - prev.busy : 0
    const [busy, total] = dTotal > 0 ? [dBusy, dTotal] : [core.busy, core.total]
    return total > 0 ? round1(Math.min(100, Math.max(0, (busy / total) * 100))) : 0
  })
}

/** /proc/meminfo's fields in bytes (the file says kB and means KiB). */
export function parseMeminfo(text: string): Map<string, number> {
  const fields = new Map<string, number>()
  for (const match of text.matchAll(/^(\w+(?:\(\w+\))?):\s+(\d+)(?: kB)?$/gm)) fields.set(match[1]!, Number(match[2]) * 1024)
  return fields
}

/** "0.52 0.58 0.59 2/123 4567": the three loads and the number of threads the kernel schedules (its tasks). */
export function parseLoadavg(text: string): { load: [number, number, number]; threads: number | null } {
  const [a, b, c, tasks] = text.trim().split(/\s+/)
  const threads = Number(tasks?.split('/')[1])
  return { load: [Number(a) || 0, Number(b) || 0, Number(c) || 0], threads: Number.isInteger(threads) ? threads : null }
}

/** Memory and swap from meminfo; MemAvailable is missing before Linux 3.14, where free + buffers + cached is the estimate. */
export function memoryFromMeminfo(fields: ReadonlyMap<string, number>): Pick<SystemSummary, 'mem' | 'swap'> {
  const total = fields.get('MemTotal') ?? 0
  const available = fields.get('MemAvailable') ?? (fields.get('MemFree') ?? 0) + (fields.get('Buffers') ?? 0) + (fields.get('Cached') ?? 0)
  const swapTotal = fields.get('SwapTotal') ?? 0
  return {
    mem: { total, used: Math.max(0, total - available), available },
    swap: { total: swapTotal, used: Math.max(0, swapTotal - (fields.get('SwapFree') ?? 0)) },
  }
}

/**
 * Linux: five small /proc files and a readdir, ~0.2 ms, no child process. Calls closer together than
 * `minWindowMs` keep measuring against the older reading, so two UIs polling at once do not get
 * windows of a few ticks where one tick is 50 %.
 */
export class LinuxSystemReader implements SystemReader {
  private baseline: { at: number; cores: CoreTimes[] } | null = null

  /**
   * `recentCount`: the process count of a sample taken moments ago, if there is one; listing /proc
   * again for it costs as much as a tenth of a whole sample.
   */
  constructor(
    private readonly root = '/proc',
    private readonly minWindowMs = 200,
    private readonly recentCount: () => number | null = () => null,
  ) {}

  async read(): Promise<SystemSummary> {
    const cores = parseCoreTimes(readProcText(`${this.root}/stat`))
    const at = performance.now()
    const cpus = coreBusyPercent(this.baseline?.cores ?? null, cores)
    if (this.baseline === null || at - this.baseline.at >= this.minWindowMs) this.baseline = { at, cores }
    const { load, threads } = parseLoadavg(readProcText(`${this.root}/loadavg`))
    const processes = this.recentCount() ?? readdirSync(this.root).filter((entry) => /^\d+$/.test(entry)).length
    const uptimeS = Number(readProcText(`${this.root}/uptime`).split(' ')[0]) || 0
    return { cpus, load, ...memoryFromMeminfo(parseMeminfo(readProcText(`${this.root}/meminfo`))), processes, threads, uptimeS: Math.floor(uptimeS) }
  }
}

/** MemTotal, what the summary calls total; the OS's own figure where procfs has no meminfo (some sandboxes). */
export function procTotalMemory(root = '/proc'): number {
  try {
    const total = parseMeminfo(readProcText(`${root}/meminfo`)).get('MemTotal')
    if (total) return total
  } catch {
    // no meminfo: the figure below
  }
  return totalmem()
}

function round1(n: number): number {
  return Math.round(n * 10) / 10
}
