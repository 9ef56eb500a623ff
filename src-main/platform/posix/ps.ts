// The process table by one `ps` run (a few ms), where there is no /proc: macOS and the BSDs.
// Not systeminformation's full table, which costs ~1 s.
import { execFileSync } from 'node:child_process'
import type { ProcessRow } from '../types'

function ps(fields: string): string[][] {
  const out = execFileSync('ps', ['-A', '-o', fields], { encoding: 'utf8', timeout: 5000, maxBuffer: 16 * 1024 * 1024 })
  return out.split('\n').map((line) => line.trim().split(/\s+/))
}

/** pid → ppid of every process. */
export function readPsParents(): Map<number, number> {
  const parents = new Map<number, number>()
  for (const [pid, ppid] of ps('pid=,ppid=').map((row) => row.map(Number))) {
    if (Number.isInteger(pid) && Number.isInteger(ppid)) parents.set(pid!, ppid!)
  }
  return parents
}

/** pid → ps' state letters (`ps -o stat`), for systeminformation's table, whose own mapping drops macOS's I and U. */
export function readPsStates(): Map<number, string> {
  const states = new Map<number, string>()
  for (const [pid, stat] of ps('pid=,stat=')) {
    if (pid && stat) states.set(Number(pid), stat)
  }
  return states
}

/** pid, ppid, process group and whether it is a zombie, of every process; null if ps cannot be run. */
export function readPsRunTable(): ProcessRow[] | null {
  let rows: string[][]
  try {
    rows = ps('pid=,ppid=,pgid=,stat=')
  } catch {
    return null
  }
  const table: ProcessRow[] = []
  for (const [pid, ppid, pgid, state] of rows) {
    if (!pid || !state) continue
    table.push({ pid: Number(pid), ppid: Number(ppid), pgid: Number(pgid), zombie: state.startsWith('Z') })
  }
  return table
}
