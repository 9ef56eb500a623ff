// The process table by one `ps` run (a few ms), where there is no /proc: macOS and the BSDs.
import { execFileSync } from 'node:child_process'

function ps(fields: string): string[][] {
  const out = execFileSync('ps', ['-A', '-o', fields], { encoding: 'utf8', timeout: 5000, maxBuffer: 16 * 1024 * 1024 })
  return out.split('\n').map((line) => line.trim().split(/\s+/))
}

/** pid → ppid, not systeminformation's full table (~1 s). */
export function readPsParents(): Map<number, number> {
  const parents = new Map<number, number>()
  for (const [pid, ppid] of ps('pid=,ppid=').map((row) => row.map(Number))) {
    if (Number.isInteger(pid) && Number.isInteger(ppid)) parents.set(pid!, ppid!)
  }
  return parents
}
