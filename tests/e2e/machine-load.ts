// How busy the machine is right now, for the specs that measure the page: a long task is wall
// time, and on a machine whose cores are taken by other programs a 10 ms task is descheduled into
// a 50 ms one whatever the app does. The load average answers too slowly (it still counts the
// tests that ended a minute ago); the kernel's CPU counters over one second answer for now.
import { readFileSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'

/** The share of all cores (0–1) busy over the next `ms`. */
export async function cpuBusy(ms = 1_000): Promise<number> {
  const before = cpuTimes()
  if (!before) return Math.min(1, loadavg()[0]! / availableParallelism())
  await new Promise((resolve) => setTimeout(resolve, ms))
  const after = cpuTimes()!
  const total = after.total - before.total
  return total > 0 ? 1 - (after.idle - before.idle) / total : 0
}

/** Jiffies since boot, all cores together, from /proc/stat's first line; null off Linux. */
function cpuTimes(): { total: number; idle: number } | null {
  let first: string
  try {
    first = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!
  } catch {
    return null
  }
  // cpu  user nice system idle iowait irq softirq steal guest guest_nice
  const fields = first.trim().split(/\s+/).slice(1, 9).map(Number)
  const total = fields.reduce((sum, n) => sum + n, 0)
  return { total, idle: fields[3]! + fields[4]! }
}
