/** Anything with a pid and a parent pid: SystemProcess rows, RawProcess samples. */
export interface TreeItem {
  pid: number
  ppid: number
}

export interface ProcessTreeNode<T extends TreeItem> {
  process: T
  children: ProcessTreeNode<T>[]
}

/**
 * Parent/child tree by ppid, children sorted by pid. A row whose parent is not in the list becomes a
 * root (orphans reparented to a subreaper we cannot see, processes of other pid namespaces).
 * pid 0 (the kernel's scheduler on Linux, kernel_task on macOS, System Idle on Windows) is never a
 * row here: its children are roots. Windows reuses pids without reparenting, so a ppid may point at
 * an unrelated newer process and even form a loop; a loop is cut at its lowest pid, which becomes a root.
 */
export function buildProcessTree<T extends TreeItem>(rows: readonly T[]): ProcessTreeNode<T>[] {
  const nodes = new Map<number, ProcessTreeNode<T>>()
  for (const row of rows) {
    if (row.pid !== 0 && !nodes.has(row.pid)) nodes.set(row.pid, { process: row, children: [] })
  }
  const parentOf = new Map<number, number>()
  for (const [pid, node] of nodes) {
    const ppid = node.process.ppid
    if (ppid !== pid && nodes.has(ppid)) parentOf.set(pid, ppid)
  }
  breakCycles(parentOf)

  const roots: ProcessTreeNode<T>[] = []
  for (const [pid, node] of nodes) {
    const parent = parentOf.get(pid)
    if (parent === undefined) roots.push(node)
    else nodes.get(parent)!.children.push(node)
  }
  const byPid = (a: ProcessTreeNode<T>, b: ProcessTreeNode<T>): number => a.process.pid - b.process.pid
  // Iterative, like flattenTree: a very deep chain must not overflow the call stack.
  const pending: ProcessTreeNode<T>[][] = [roots]
  while (pending.length > 0) {
    const list = pending.pop()!
    list.sort(byPid)
    for (const node of list) if (node.children.length > 0) pending.push(node.children)
  }
  return roots
}

function breakCycles(parentOf: Map<number, number>): void {
  const DONE = 2
  const ON_PATH = 1
  const mark = new Map<number, number>()
  for (const start of parentOf.keys()) {
    const path: number[] = []
    let cur: number | undefined = start
    while (cur !== undefined && mark.get(cur) === undefined) {
      mark.set(cur, ON_PATH)
      path.push(cur)
      cur = parentOf.get(cur)
    }
    if (cur !== undefined && mark.get(cur) === ON_PATH) {
      const loop = path.slice(path.indexOf(cur))
      parentOf.delete(Math.min(...loop))
    }
    for (const pid of path) mark.set(pid, DONE)
  }
}

/** Depth-first rows with their depth, the order a tree view draws them in. */
export function flattenTree<T extends TreeItem>(roots: readonly ProcessTreeNode<T>[]): Array<{ process: T; depth: number }> {
  const out: Array<{ process: T; depth: number }> = []
  // Explicit stack: a deep chain (a fork bomb, a long pipeline) must not overflow the call stack.
  const stack: Array<{ node: ProcessTreeNode<T>; depth: number }> = []
  for (let i = roots.length - 1; i >= 0; i--) stack.push({ node: roots[i]!, depth: 0 })
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!
    out.push({ process: node.process, depth })
    for (let i = node.children.length - 1; i >= 0; i--) stack.push({ node: node.children[i]!, depth: depth + 1 })
  }
  return out
}
