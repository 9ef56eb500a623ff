// The System tab's rows: which processes show (filter, chips), in what order, and as what tree.
// Pure (no Vue, no DOM), so it can be unit-tested under Node; it runs over every process, so it is
// written to stay a few ms at 10,000 of them.
import type { SystemProcess } from '../../src-shared/contract'
import { compareRows, type SortDir, type SortKey } from './systemSort'

/** A row as the views draw it: a process of the latest sample, or one that just vanished (shown faded for one refresh). */
export type SystemRow = SystemProcess & { vanished?: true }

export interface RowFilter {
  /** Text to look for in pid, name, user and command (case-insensitive); empty for none. */
  text: string
  /** Only this user's processes (undefined: no such filter). */
  user: string | undefined
  onlyLab: boolean
  onlyZombies: boolean
  flat: boolean
  sortKey: SortKey
  sortDir: SortDir
}

/**
 * Rows to draw, sorted (in the tree, siblings keep this order). The text filter keeps each match's
 * ancestors so it keeps its place in the tree; the chips do not, so "only lab" shows the lab's own
 * processes and not init, the shell and the host above them.
 */
export function visibleRows(all: Iterable<SystemRow>, filter: RowFilter): SystemRow[] {
  const { user, onlyLab, onlyZombies } = filter
  const chips = user !== undefined || onlyLab || onlyZombies
  const picked: SystemRow[] = []
  for (const p of all) {
    if (chips && ((user !== undefined && p.user !== user) || (onlyLab && !p.lab) || (onlyZombies && p.state !== 'zombie'))) continue
    picked.push(p)
  }
  picked.sort(compareRows(filter.sortKey, filter.sortDir))
  const needle = filter.text.trim().toLowerCase()
  if (!needle) return picked
  const matches = (p: SystemRow) => `${p.pid} ${p.name} ${p.user} ${p.command}`.toLowerCase().includes(needle)
  if (filter.flat) return picked.filter(matches)
  const byPid = new Map<number, SystemRow>()
  for (const p of picked) byPid.set(p.pid, p)
  const keep = new Set<number>()
  for (const p of picked) {
    if (!matches(p)) continue
    for (let q: SystemRow | undefined = p; q && !keep.has(q.pid); q = byPid.get(q.ppid)) keep.add(q.pid)
  }
  return picked.filter((p) => keep.has(p.pid))
}

/** One line of the tree grid (what useTreeGrid needs, and where the row sits). */
export interface SystemTreeRow {
  key: string
  pid: number
  parentKey: string | null
  level: number
  hasChildren: boolean
  expanded: boolean
  posInSet: number
  setSize: number
  /** The process when the rows were made; draw the table's current one (values change more often than the tree). */
  item: SystemRow
}

/**
 * The rows in tree order, depth first, siblings in the order given; a collapsed row hides its
 * subtree. `flat`: one level, the same keyboard model. A ppid loop (Windows reuses pids without
 * reparenting) is cut at its lowest pid, which becomes a root, as the host's tree does, so no row is
 * lost in it.
 */
export function treeRows(visible: readonly SystemRow[], flat: boolean, isCollapsed: (pid: number) => boolean): SystemTreeRow[] {
  // Indexes into `visible` and typed arrays rather than maps of objects: at 10,000 processes this
  // runs in ~1 ms, where a walk over maps of child lists took several.
  const n = visible.length
  const parent = parentIndexes(visible, flat)
  cutLoops(parent, visible)
  const NONE = -1
  const firstChild = new Int32Array(n).fill(NONE)
  const lastChild = new Int32Array(n).fill(NONE)
  const nextSibling = new Int32Array(n).fill(NONE)
  const childCount = new Int32Array(n)
  let firstRoot = NONE
  let lastRoot = NONE
  let rootCount = 0
  for (let i = 0; i < n; i++) {
    const up = parent[i]!
    if (up === NONE) {
      if (lastRoot === NONE) firstRoot = i
      else nextSibling[lastRoot] = i
      lastRoot = i
      rootCount++
    } else {
      if (lastChild[up] === NONE) firstChild[up] = i
      else nextSibling[lastChild[up]!] = i
      lastChild[up] = i
      childCount[up]!++
    }
  }
  const out: SystemTreeRow[] = []
  // Explicit stack (a deep chain must not overflow the call stack): per level, the next sibling to draw.
  const nextAt: number[] = [firstRoot]
  const posAt: number[] = [0]
  const parentAt: Array<SystemTreeRow | null> = [null]
  while (nextAt.length > 0) {
    const depth = nextAt.length - 1
    const i = nextAt[depth]!
    if (i === NONE) {
      nextAt.pop()
      posAt.pop()
      parentAt.pop()
      continue
    }
    nextAt[depth] = nextSibling[i]!
    const position = ++posAt[depth]!
    const up = parentAt[depth]!
    const p = visible[i]!
    const hasChildren = firstChild[i] !== NONE
    const expanded = hasChildren && !isCollapsed(p.pid)
    const setSize = up === null ? rootCount : childCount[parent[i]!]!
    const row: SystemTreeRow = { key: String(p.pid), pid: p.pid, parentKey: up?.key ?? null, level: depth + 1, hasChildren, expanded, posInSet: position, setSize, item: p }
    out.push(row)
    if (expanded) {
      nextAt.push(firstChild[i]!)
      posAt.push(0)
      parentAt.push(row)
    }
  }
  return out
}

/** For each row, the index of its parent row in `rows`, or -1 for a root. */
function parentIndexes(rows: readonly SystemRow[], flat: boolean): Int32Array {
  const parent = new Int32Array(rows.length).fill(-1)
  if (flat) return parent
  const indexOf = new Map<number, number>()
  for (let i = 0; i < rows.length; i++) indexOf.set(rows[i]!.pid, i)
  for (let i = 0; i < rows.length; i++) {
    const p = rows[i]!
    if (p.ppid === p.pid) continue
    const up = indexOf.get(p.ppid)
    if (up !== undefined) parent[i] = up
  }
  return parent
}

/** Makes the lowest pid of each parent loop a root, as the host's tree does. */
function cutLoops(parent: Int32Array, rows: readonly SystemRow[]): void {
  const ON_PATH = 1
  const DONE = 2
  const mark = new Uint8Array(parent.length)
  const path = new Int32Array(parent.length)
  for (let start = 0; start < parent.length; start++) {
    let length = 0
    let cur = start
    while (cur !== -1 && mark[cur] === 0) {
      mark[cur] = ON_PATH
      path[length++] = cur
      cur = parent[cur]!
    }
    if (cur !== -1 && mark[cur] === ON_PATH) {
      // cur is on this walk's path: the loop is path[from..length).
      let from = length - 1
      while (path[from] !== cur) from--
      let lowest = path[from]!
      for (let k = from; k < length; k++) if (rows[path[k]!]!.pid < rows[lowest]!.pid) lowest = path[k]!
      parent[lowest] = -1
    }
    for (let k = 0; k < length; k++) mark[path[k]!] = DONE
  }
}
