import { closeSync, openSync, readFileSync } from 'node:fs'
import { isVanished } from './errors'
import { readProcBytesAt } from './proc-files'
import { parseProcStatBytes, type ProcStat } from './proc-stat'

/** What a read of /proc/<pid>/stat found: its fields, GONE (the process ended) or null (unreadable or not a stat line). */
export const GONE = Symbol('gone')
export type StatRead = ProcStat | typeof GONE | null

function parse(bytes: Buffer): ProcStat | null {
  return parseProcStatBytes(bytes, bytes.length)
}

/**
 * Descriptors kept open, over all samplers of this process. Well under the usual limits (Node
 * raises the soft limit to the hard one, often 20k–1M), so sockets and the lab never run short;
 * processes beyond it are read the plain way.
 */
const MAX_KEPT = Math.min(8192, Math.floor(openFileLimit() / 4))
let keptTotal = 0

/**
 * Keeps each process's /proc/<pid>/stat open between samples and re-reads it with pread. Opening a
 * procfs file walks the path and builds its inode and dentry: open + read + close measured ~3× the
 * CPU of a pread on a kept descriptor (~18 against ~6 ms a sample at 1,000 processes, mostly kernel
 * time). A kept descriptor belongs to one process, not to its pid: once that process is gone
 * (reaped), reads fail with ESRCH, so a reused pid is never read through its predecessor's file.
 */
export class StatFiles {
  private readonly open = new Map<number, number>()

  constructor(private readonly root: string) {}

  read(pid: number): StatRead {
    const fd = this.open.get(pid)
    if (fd !== undefined) {
      try {
        return parse(readProcBytesAt(fd))
      } catch {
        // ESRCH: that process ended, and the pid may be someone new's by now: open it afresh.
        this.forget(pid)
      }
    }
    return this.openAndRead(pid)
  }

  /** Closes the files of pids that were not in this sample's listing. */
  keepOnly(pids: ReadonlySet<number>): void {
    for (const pid of this.open.keys()) if (!pids.has(pid)) this.forget(pid)
  }

  close(): void {
    for (const pid of [...this.open.keys()]) this.forget(pid)
  }

  private openAndRead(pid: number): StatRead {
    let fd: number
    try {
      fd = openSync(`${this.root}/${pid}/stat`, 'r')
    } catch (err) {
      // No stat, no row: it vanished, or the kernel hides it from us (hidepid, EACCES).
      return isVanished(err) ? GONE : null
    }
    let stat: ProcStat | null
    try {
      stat = parse(readProcBytesAt(fd))
    } catch (err) {
      closeSync(fd)
      return isVanished(err) ? GONE : null
    }
    if (keptTotal < MAX_KEPT) {
      this.open.set(pid, fd)
      keptTotal++
    } else {
      closeSync(fd)
    }
    return stat
  }

  private forget(pid: number): void {
    const fd = this.open.get(pid)
    if (fd === undefined) return
    this.open.delete(pid)
    keptTotal--
    try {
      closeSync(fd)
    } catch {
      // already closed: nothing to give back
    }
  }
}

/** The soft RLIMIT_NOFILE from /proc/self/limits; 1024 (the common default) when it cannot be read. */
function openFileLimit(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'))
    const soft = Number(line?.split(/\s+/)[3])
    return Number.isFinite(soft) && soft > 0 ? soft : 1024
  } catch {
    return 1024
  }
}
