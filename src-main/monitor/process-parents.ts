// Who is whose parent: the input of "kill the whole tree" and of "never signal an ancestor of
// ProcLab". The table is read fresh at signal time by the platform (platform.processes.parentReader).
import type { ParentTable } from '../platform/types'

export type { ParentTable } from '../platform/types'

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
