// Machine-wide figures where there is no /proc: systeminformation for CPU and memory, `os` for the rest.
import { cpus as osCpus, freemem, loadavg, totalmem, uptime } from 'node:os'
import type { SystemSummary } from '../../../src-shared/contract'
import type { SystemReader } from '../types'

/**
 * macOS, Windows: systeminformation's currentLoad (per core since its previous call) and mem; load
 * and uptime from `os`. Process and thread counts come from the monitor's last sample, because
 * asking systeminformation for processes costs a second.
 */
export class SiSystemReader implements SystemReader {
  constructor(private readonly counts: () => { processes: number; threads: number | null }) {}

  async read(): Promise<SystemSummary> {
    // Loaded on first use: Linux never needs it, and it is large.
    const si = await import('systeminformation')
    const [load, mem] = await Promise.all([si.currentLoad().catch(() => null), si.mem().catch(() => null)])
    const cpus = load?.cpus.map((c) => Math.round(c.load * 10) / 10) ?? osCpus().map(() => 0)
    const total = mem?.total ?? totalmem()
    const available = mem?.available ?? freemem()
    const [a = 0, b = 0, c = 0] = loadavg()
    return {
      cpus,
      load: [a, b, c],
      mem: { total, used: Math.max(0, total - available), available },
      swap: { total: mem?.swaptotal ?? 0, used: mem?.swapused ?? 0 },
      ...this.counts(),
      uptimeS: Math.floor(uptime()),
    }
  }
}
