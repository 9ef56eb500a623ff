// Who is whose parent, right now: the input of "kill the whole tree" and of "never signal an
// ancestor of ProcLab". Read fresh at signal time, not from the last sample, which may be seconds old.
import { execFileSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { readProcText } from '../platform/linux/proc-files'
import { parseProcStat } from '../platform/linux/proc-stat'

/** pid → ppid for every process we can see. */
export type ParentTable = ReadonlyMap<number, number>

/** Linux: the ppid field of every /proc/<pid>/stat (~10 µs a process); a process that ends meanwhile is skipped. */
export function readProcParents(root = '/proc'): Map<number, number> {
  const parents = new Map<number, number>()
  for (const entry of readdirSync(root)) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = parseProcStat(readProcText(`${root}/${entry}/stat`))
      if (stat) parents.set(stat.pid, stat.ppid)
    } catch {
      // ended between readdir and read
    }
  }
  return parents
}

/** macOS and the BSDs: one `ps` run (a few ms), not systeminformation's full table (~1 s). */
export function readPsParents(): Map<number, number> {
  const parents = new Map<number, number>()
  const out = execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8', timeout: 5000, maxBuffer: 16 * 1024 * 1024 })
  for (const line of out.split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number)
    if (Number.isInteger(pid) && Number.isInteger(ppid)) parents.set(pid!, ppid!)
  }
  return parents
}

/** The chain above `pid` (its parent, grandparent, ... up to pid 1), cycle-safe. */
export function ancestorsOf(pid: number, parents: ParentTable): Set<number> {
  const found = new Set<number>()
  for (let p = parents.get(pid); p !== undefined && p > 0 && !found.has(p) && p !== pid; p = parents.get(p)) found.add(p)
  return found
}

/**
 * `root` and everything below it, parents before children (breadth first), so stopping in this
 * order freezes a parent before it can fork again. Pids in `doNotEnter` are listed but their
 * children are not: the tree of a protected process (the host with its lab) is never walked into.
 */
export function descendantsTopDown(root: number, parents: ParentTable, doNotEnter: ReadonlySet<number>): number[] {
  const children = new Map<number, number[]>()
  for (const [pid, ppid] of parents) {
    if (pid === ppid) continue
    const list = children.get(ppid)
    if (list) list.push(pid)
    else children.set(ppid, [pid])
  }
  const order = [root]
  const seen = new Set(order)
  for (let i = 0; i < order.length; i++) {
    const pid = order[i]!
    if (doNotEnter.has(pid)) continue
    for (const child of (children.get(pid) ?? []).sort((a, b) => a - b)) {
      if (seen.has(child)) continue // pid reuse can make a ppid loop (Windows)
      seen.add(child)
      order.push(child)
    }
  }
  return order
}
