// The System tab's rows: which processes show (filter, chips), in what order, and as what tree.
// Pure (no Vue, no DOM), so it can be unit-tested under Node; it runs over every process, so it is
// written to stay a few ms at 10,000 of them.
import type { SystemProcess } from '../../../src-shared/contract'
import { cutParentLoops, NO_PARENT, parentIndexes, walkTree } from '../../../src-shared/tree-order'
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
 * The rows of `sorted` that pass the filter, in its order (`sorted` itself when nothing filters; in
 * the tree, siblings keep this order). The text filter keeps each match's ancestors so it keeps its
 * place in the tree; the chips do not, so "only lab" shows the lab's own processes and not init,
 * the shell and the host above them.
 */
export function filterRows(sorted: readonly SystemRow[], filter: RowFilter): readonly SystemRow[] {
  const { user, onlyLab, onlyZombies } = filter
  const needle = filter.text.trim().toLowerCase()
  const chips = user !== undefined || onlyLab || onlyZombies
  if (!chips && !needle) return sorted
  const picked = chips ? sorted.filter((p) => !((user !== undefined && p.user !== user) || (onlyLab && !p.lab) || (onlyZombies && p.state !== 'zombie'))) : sorted
  if (!needle) return picked
  const matches = (p: SystemRow) => matchesText(p, needle)
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

/** Whether the filter's text (trimmed, lower-cased) is in the row's pid, name, user or command. */
export function matchesText(p: SystemRow, needle: string): boolean {
  return `${p.pid} ${p.name} ${p.user} ${p.command}`.toLowerCase().includes(needle)
}

/** A row of the renderer's table: a process, and when it entered the table (see ProcessTable). */
export type TableRow = SystemProcess & { readonly serial: number }

/** What orderRows reads: the table's rows, and the latest serial handed out. */
export interface OrderSource {
  values(): Iterable<TableRow>
  get(pid: number): TableRow | undefined
  readonly serial: number
}

/** The last order made, to start the next one from. */
export interface LastOrder {
  rows: readonly SystemRow[]
  /** The source's serial then: rows entered since have a higher one. */
  serial: number
  sortKey: SortKey
  sortDir: SortDir
}

/**
 * Every row (the table's, then `vanished`), sorted. From `last` (the previous order, same sort) it
 * is a merge: the rows that are the same objects as then are still in order, so only the changed
 * and new ones are sorted, then merged in — O(n) for a second in which a few hundred of 10,000
 * processes changed, where a sort of them all took ~5 ms by CPU.
 */
export function orderRows(source: OrderSource, vanished: readonly SystemRow[], sortKey: SortKey, sortDir: SortDir, last?: LastOrder): SystemRow[] {
  const compare = compareRows(sortKey, sortDir)
  if (!last || last.sortKey !== sortKey || last.sortDir !== sortDir) return [...source.values(), ...vanished].sort(compare)
  const kept: SystemRow[] = []
  const moved: SystemRow[] = []
  for (const old of last.rows) {
    if (old.vanished) continue
    const row = source.get(old.pid)
    // Gone, or a row that left and came back since (it is among the new ones below).
    if (!row || row.serial > last.serial) continue
    if (row === old) kept.push(row)
    else moved.push(row)
  }
  for (const row of source.values()) if (row.serial > last.serial) moved.push(row)
  moved.push(...vanished)
  moved.sort(compare)
  return merge(kept, moved, compare)
}

function merge(a: readonly SystemRow[], b: readonly SystemRow[], compare: (x: SystemRow, y: SystemRow) => number): SystemRow[] {
  if (b.length === 0) return a.slice()
  const out: SystemRow[] = new Array(a.length + b.length)
  let i = 0
  let j = 0
  let k = 0
  while (i < a.length && j < b.length) out[k++] = compare(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!
  while (i < a.length) out[k++] = a[i++]!
  while (j < b.length) out[k++] = b[j++]!
  return out
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
  const parent = flat ? new Int32Array(visible.length).fill(NO_PARENT) : parentIndexes(visible.length, (i) => visible[i]!.pid, (i) => visible[i]!.ppid)
  cutParentLoops(parent, (a, b) => visible[a]!.pid < visible[b]!.pid)
  const out: SystemTreeRow[] = []
  walkTree(
    parent,
    (i) => isCollapsed(visible[i]!.pid),
    (step) => {
      const p = visible[step.index]!
      const parentKey = step.parent === NO_PARENT ? null : String(visible[step.parent]!.pid)
      out.push({ key: String(p.pid), pid: p.pid, parentKey, level: step.level, hasChildren: step.hasChildren, expanded: step.expanded, posInSet: step.posInSet, setSize: step.setSize, item: p })
    },
  )
  return out
}
