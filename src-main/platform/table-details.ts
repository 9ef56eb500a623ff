// One process's details where nothing but the process table is cheap to read (macOS and Windows,
// until their native modules read cwd and environment): each field says so; children from the sample.
import type { ProcessDetails } from '../../src-shared/contract'
import { MonitorError } from './errors'

export function detailsFromTable(pid: number, childrenFromSample: (pid: number) => number[], title: string): ProcessDetails {
  try {
    process.kill(pid, 0)
  } catch (err) {
    if ((err as NodeJS.ErrnoException | null)?.code === 'ESRCH') throw new MonitorError('not-found', `no process ${pid}`)
    // EPERM: it exists but is someone else's; its table entry is still ours to show.
  }
  const unavailable = { ok: false as const, reason: `not available on ${title}` }
  return { pid, cwd: unavailable, environment: unavailable, openFiles: unavailable, children: childrenFromSample(pid) }
}
