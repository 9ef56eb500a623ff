// Who belongs to a run, asked of the OS rather than of the registry: a lab script's own OS children
// (child_process.spawn) are in the run's process group but not in the registry, and a child that
// left the group (setsid, `detached: true`) can still be found below a member while that member lives.
import { execFileSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { readStat } from './os-process'

export interface ProcessRow {
  pid: number
  ppid: number
  pgid: number
  /** Ended but not yet reaped: it can no longer run, whatever signal it gets. */
  zombie: boolean
}

/** Every process we can see, or null where there is no way to ask (Windows). */
export function readProcessTable(platform: NodeJS.Platform = process.platform): ProcessRow[] | null {
  if (platform === 'win32') return null
  if (platform === 'linux') return readProc()
  try {
    return readPs()
  } catch {
    return null
  }
}

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

/** Linux: pid, state, ppid and pgrp from each /proc/<pid>/stat (about 10 µs a process). */
function readProc(): ProcessRow[] {
  const rows: ProcessRow[] = []
  for (const entry of readdirSync('/proc')) {
    if (entry.charCodeAt(0) > 57) continue // not a digit: not a process
    const stat = readStat(entry)
    if (stat) rows.push({ pid: Number(entry), ppid: stat.ppid, pgid: stat.pgrp, zombie: stat.state === 'Z' })
  }
  return rows
}

/** macOS and the BSDs: one `ps` run (a few ms). */
function readPs(): ProcessRow[] {
  const out = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,pgid=,stat='], { encoding: 'utf8', timeout: 5000, maxBuffer: 16 * 1024 * 1024 })
  const rows: ProcessRow[] = []
  for (const line of out.split('\n')) {
    const [pid, ppid, pgid, state] = line.trim().split(/\s+/)
    if (!pid || !state) continue
    rows.push({ pid: Number(pid), ppid: Number(ppid), pgid: Number(pgid), zombie: state.startsWith('Z') })
  }
  return rows
}
