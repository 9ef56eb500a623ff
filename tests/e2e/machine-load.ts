// How busy other programs keep the machine right now, for the specs that measure the page: a long
// task is wall time, and on a machine whose cores are taken by other programs a 10 ms task is
// descheduled into a 50 ms one whatever the app does. The load average answers too slowly (it
// still counts the tests that ended a minute ago) and counts the test's own processes; the
// kernel's CPU counters over one second, less what this test's own process tree used (the browser,
// the ProcLab host and its lab processes), answer for now and for others only.
import { readdirSync, readFileSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'

/** The share of all cores (0–1) that processes outside this test's own tree kept busy over the next `ms`. */
export async function othersBusy(ms = 1_000): Promise<number> {
  const before = sample()
  if (!before) return Math.min(1, loadavg()[0]! / availableParallelism())
  await new Promise((resolve) => setTimeout(resolve, ms))
  const after = sample()!
  const total = after.total - before.total
  if (total <= 0) return 0
  const busy = total - (after.idle - before.idle)
  const own = Math.max(0, after.own - before.own)
  return Math.max(0, Math.min(1, (busy - own) / total))
}

interface Sample {
  /** Jiffies since boot, all cores together, and of those the idle ones. */
  total: number
  idle: number
  /** Jiffies this process and its descendants have used (those alive now). */
  own: number
}

function sample(): Sample | null {
  let first: string
  try {
    first = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!
  } catch {
    return null // not Linux
  }
  // cpu  user nice system idle iowait irq softirq steal
  const fields = first.trim().split(/\s+/).slice(1, 9).map(Number)
  return { total: fields.reduce((sum, n) => sum + n, 0), idle: fields[3]! + fields[4]!, own: ownJiffies() }
}

function ownJiffies(): number {
  const stats = new Map<number, { ppid: number; jiffies: number }>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    let text: string
    try {
      text = readFileSync(`/proc/${name}/stat`, 'utf8')
    } catch {
      continue // gone meanwhile
    }
    // Fields after the command (which may hold spaces and parentheses): state ppid … utime(14) stime(15).
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ')
    stats.set(Number(name), { ppid: Number(rest[1]), jiffies: Number(rest[11]) + Number(rest[12]) })
  }
  const children = new Map<number, number[]>()
  for (const [pid, { ppid }] of stats) children.set(ppid, [...(children.get(ppid) ?? []), pid])
  let jiffies = 0
  const stack = [process.pid]
  while (stack.length > 0) {
    const pid = stack.pop()!
    jiffies += stats.get(pid)?.jiffies ?? 0
    stack.push(...(children.get(pid) ?? []))
  }
  return jiffies
}
