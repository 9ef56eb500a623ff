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
 * lost in it. `previous` rows that are unchanged are reused, so the views can skip them by identity.
 */
export function treeRows(visible: readonly SystemRow[], flat: boolean, isCollapsed: (pid: number) => boolean, previous?: ReadonlyMap<number, SystemTreeRow>): SystemTreeRow[] {
  const byPid = new Map<number, SystemRow>()
  for (const p of visible) byPid.set(p.pid, p)
  const parentOf = (p: SystemRow): SystemRow | undefined => (flat || p.ppid === p.pid ? undefined : byPid.get(p.ppid))
  const cut = loopCuts(visible, parentOf)
  const children = new Map<number, SystemRow[]>()
  const roots: SystemRow[] = []
  for (const p of visible) {
    const parent = cut.has(p.pid) ? undefined : parentOf(p)
    if (!parent) {
      roots.push(p)
      continue
    }
    const list = children.get(parent.pid)
    if (list) list.push(p)
    else children.set(parent.pid, [p])
  }
  const out: SystemTreeRow[] = []
  // Explicit stack: a deep chain (a fork bomb, a long pipeline) must not overflow the call stack.
  const stack: Array<{ list: readonly SystemRow[]; next: number; level: number; parentKey: string | null }> = [{ list: roots, next: 0, level: 1, parentKey: null }]
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!
    if (frame.next >= frame.list.length) {
      stack.pop()
      continue
    }
    const index = frame.next++
    const p = frame.list[index]!
    const kids = children.get(p.pid)
    const hasChildren = kids !== undefined
    const expanded = hasChildren && !isCollapsed(p.pid)
    const row = reuse(previous?.get(p.pid), p, frame.level, frame.parentKey, hasChildren, expanded, index + 1, frame.list.length)
    out.push(row)
    if (expanded) stack.push({ list: kids, next: 0, level: frame.level + 1, parentKey: row.key })
  }
  return out
}

/** Pids that must be roots to break ppid loops: the lowest of each loop. */
function loopCuts(rows: readonly SystemRow[], parentOf: (p: SystemRow) => SystemRow | undefined): Set<number> {
  const ON_PATH = 1
  const DONE = 2
  const mark = new Map<number, number>()
  const cuts = new Set<number>()
  for (const start of rows) {
    const path: SystemRow[] = []
    let cur: SystemRow | undefined = start
    while (cur && mark.get(cur.pid) === undefined) {
      mark.set(cur.pid, ON_PATH)
      path.push(cur)
      cur = parentOf(cur)
    }
    if (cur && mark.get(cur.pid) === ON_PATH) {
      const loop = path.slice(path.indexOf(cur))
      cuts.add(Math.min(...loop.map((p) => p.pid)))
    }
    for (const p of path) mark.set(p.pid, DONE)
  }
  return cuts
}

function reuse(old: SystemTreeRow | undefined, item: SystemRow, level: number, parentKey: string | null, hasChildren: boolean, expanded: boolean, posInSet: number, setSize: number): SystemTreeRow {
  if (old && old.item === item && old.level === level && old.parentKey === parentKey && old.hasChildren === hasChildren && old.expanded === expanded && old.posInSet === posInSet && old.setSize === setSize) return old
  return { key: old?.key ?? String(item.pid), pid: item.pid, parentKey, level, hasChildren, expanded, posInSet, setSize, item }
}
