// The machine's processes in tree order for `proclab ps --tree`, by the same walk the UI's trees use
// (src-shared/tree-order.ts).
import { cutParentLoops, parentIndexes, walkTree } from '../../src-shared/tree-order'

/** Anything with a pid and a parent pid: SystemProcess rows, RawProcess samples. */
export interface TreeItem {
  pid: number
  ppid: number
}

/**
 * Depth-first rows with their depth (0 for a root), children by pid. A row whose parent is not in
 * the list is a root (orphans reparented to a subreaper we cannot see, processes of other pid
 * namespaces). pid 0 (the kernel's scheduler on Linux, kernel_task on macOS, System Idle on Windows)
 * is never a row: its children are roots. Of two rows with one pid the first is kept. Windows reuses
 * pids without reparenting, so a ppid may point at an unrelated newer process and even form a loop;
 * a loop is cut at its lowest pid, which becomes a root.
 */
export function processTreeOrder<T extends TreeItem>(rows: readonly T[]): Array<{ process: T; depth: number }> {
  const seen = new Set<number>()
  const kept = rows.filter((row) => row.pid !== 0 && !seen.has(row.pid) && seen.add(row.pid))
  // Stable: equal pids cannot remain, so siblings come out by pid.
  kept.sort((a, b) => a.pid - b.pid)
  const parent = parentIndexes(kept.length, (i) => kept[i]!.pid, (i) => kept[i]!.ppid)
  cutParentLoops(parent, (a, b) => kept[a]!.pid < kept[b]!.pid)
  const out: Array<{ process: T; depth: number }> = []
  walkTree(parent, () => false, (step) => out.push({ process: kept[step.index]!, depth: step.level - 1 }))
  return out
}
