// Who belongs to a run, asked of the OS (platform.lab.runTable()) rather than of the registry: a
// lab script's own OS children (child_process.spawn) are in the run's process group but not in the
// registry, and a child that left the group (setsid, `detached: true`) can still be found below a
// member while that member lives.
import type { ProcessRow } from '../../platform'

export type { ProcessRow }

/**
 * Live members of the process group `group`, plus every live descendant of them and of `extra`
 * (pids found earlier, which may have lost their parent since). Zombies are left out: a pid 1 that
 * never reaps (some containers) keeps them listed forever, and they are already ended.
 */
export function runProcesses(group: number, extra: ReadonlySet<number>, table: readonly ProcessRow[]): number[] {
  const children = new Map<number, number[]>()
  const found = new Set<number>()
  for (const row of table) {
    if (row.zombie) continue
    if (row.pgid === group || extra.has(row.pid)) found.add(row.pid)
    const list = children.get(row.ppid)
    if (list) list.push(row.pid)
    else children.set(row.ppid, [row.pid])
  }
  const order = [...found]
  for (let i = 0; i < order.length; i++) {
    for (const child of children.get(order[i]!) ?? []) {
      if (found.has(child)) continue
      found.add(child)
      order.push(child)
    }
  }
  return order
}
