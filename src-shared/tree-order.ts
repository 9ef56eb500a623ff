// One way to put processes in tree order, for every tree ProcLab draws or prints: the System tab,
// the Lab tree and `proclab ps --tree`. Items name their parent; the order comes out depth first,
// siblings in the order given. Indexes and typed arrays rather than maps of child lists (10,000
// processes in about a millisecond), and an explicit stack: a 100,000-deep chain (a fork bomb, a
// long pipeline) must not overflow the call stack.

/** No parent: a root. */
export const NO_PARENT = -1

/**
 * For each item, the index of its parent item, or NO_PARENT when it names none, itself, or one
 * that is not in the list (orphans reparented to a subreaper we cannot see, other pid namespaces):
 * those become roots, so nothing is hidden because its parent is unknown. When two items share a
 * key, the first is the parent.
 */
export function parentIndexes<K>(count: number, keyAt: (index: number) => K, parentKeyAt: (index: number) => K | null): Int32Array {
  const indexOf = new Map<K, number>()
  for (let i = 0; i < count; i++) {
    const key = keyAt(i)
    if (!indexOf.has(key)) indexOf.set(key, i)
  }
  const parent = new Int32Array(count).fill(NO_PARENT)
  for (let i = 0; i < count; i++) {
    const parentKey = parentKeyAt(i)
    if (parentKey === null) continue
    const up = indexOf.get(parentKey)
    if (up !== undefined && up !== i) parent[i] = up
  }
  return parent
}

/**
 * Windows reuses pids without reparenting, so parents can form a loop; each loop is cut at the item
 * `lower` ranks first (the lowest pid), which becomes a root, so no item is lost in it.
 */
export function cutParentLoops(parent: Int32Array, lower: (a: number, b: number) => boolean): void {
  const ON_PATH = 1
  const DONE = 2
  const mark = new Uint8Array(parent.length)
  const path = new Int32Array(parent.length)
  for (let start = 0; start < parent.length; start++) {
    let length = 0
    let cur = start
    while (cur !== NO_PARENT && mark[cur] === 0) {
      mark[cur] = ON_PATH
      path[length++] = cur
      cur = parent[cur]!
    }
    if (cur !== NO_PARENT && mark[cur] === ON_PATH) {
      // cur is on this walk's path: the loop is path[from..length).
      let from = length - 1
      while (path[from] !== cur) from--
      let lowest = path[from]!
      for (let k = from; k < length; k++) if (lower(path[k]!, lowest)) lowest = path[k]!
      parent[lowest] = NO_PARENT
    }
    for (let k = 0; k < length; k++) mark[path[k]!] = DONE
  }
}

/** One visible item of the tree, with what a treegrid row needs (ARIA level, position, set size). */
export interface TreeStep {
  index: number
  /** 1 for a root. */
  level: number
  /** The parent's item index, or NO_PARENT. */
  parent: number
  posInSet: number
  setSize: number
  hasChildren: boolean
  expanded: boolean
}

/**
 * Visits the items depth first, siblings in index order; the subtree of an item `collapsed` says
 * is hidden. `parent` must have no loops (cutParentLoops).
 */
export function walkTree(parent: Int32Array, collapsed: (index: number) => boolean, visit: (step: TreeStep) => void): void {
  const n = parent.length
  const firstChild = new Int32Array(n).fill(NO_PARENT)
  const lastChild = new Int32Array(n).fill(NO_PARENT)
  const nextSibling = new Int32Array(n).fill(NO_PARENT)
  const childCount = new Int32Array(n)
  let firstRoot = NO_PARENT
  let lastRoot = NO_PARENT
  let rootCount = 0
  for (let i = 0; i < n; i++) {
    const up = parent[i]!
    if (up === NO_PARENT) {
      if (lastRoot === NO_PARENT) firstRoot = i
      else nextSibling[lastRoot] = i
      lastRoot = i
      rootCount++
    } else {
      if (lastChild[up] === NO_PARENT) firstChild[up] = i
      else nextSibling[lastChild[up]!] = i
      lastChild[up] = i
      childCount[up]!++
    }
  }
  // Per level: the next sibling to visit and the position reached.
  const nextAt: number[] = [firstRoot]
  const posAt: number[] = [0]
  while (nextAt.length > 0) {
    const depth = nextAt.length - 1
    const i = nextAt[depth]!
    if (i === NO_PARENT) {
      nextAt.pop()
      posAt.pop()
      continue
    }
    nextAt[depth] = nextSibling[i]!
    const up = parent[i]!
    const hasChildren = firstChild[i] !== NO_PARENT
    const expanded = hasChildren && !collapsed(i)
    visit({ index: i, level: depth + 1, parent: up, posInSet: ++posAt[depth]!, setSize: up === NO_PARENT ? rootCount : childCount[up]!, hasChildren, expanded })
    if (expanded) {
      nextAt.push(firstChild[i]!)
      posAt.push(0)
    }
  }
}
