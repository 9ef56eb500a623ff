import { closeSync, openSync, readFileSync } from 'node:fs'
import { isVanished } from '../errors'
import { readProcBytesAt } from './proc-files'
import { parseProcStatBytes, type ProcStat } from './proc-stat'

/** A read found that the process ended (ENOENT, ESRCH). */
export const GONE = Symbol('gone')
/** What a read of a kept file found: its parsed content, GONE, or null (unreadable, or not what the parser expects). */
export type KeptRead<T> = T | typeof GONE | null

/**
 * Descriptors kept open, over all samplers of this process. Well under the usual limits (Node
 * raises the soft limit to the hard one, often 20k–1M), so sockets and the lab never run short;
 * processes beyond it are read the plain way. None outside Linux: there the only procfs is a
 * simulated one (tests, benchmarks), and Windows cannot remove the folder of a process that ended
 * while a file in it is open.
 */
let maxKept: number | null = null
let keptTotal = 0

/** Read on first use: every lab process loads this module (through the platform) and never keeps a file. */
function maxKeptFiles(): number {
  maxKept ??= process.platform === 'linux' ? Math.min(8192, Math.floor(openFileLimit() / 4)) : 0
  return maxKept
}

/**
 * Keeps one /proc/<pid>/<file> of each process open between samples and re-reads it with pread. Opening a
 * procfs file walks the path and builds its inode and dentry: open + read + close measured ~3× the
 * CPU of a pread on a kept descriptor (~18 against ~6 ms a sample at 1,000 processes, mostly kernel
 * time). A kept descriptor belongs to one process, not to its pid: once that process is gone
 * (reaped), reads fail with ESRCH, so a reused pid is never read through its predecessor's file.
 */
export class KeptProcFiles<T> {
  private readonly open = new Map<number, number>()

  constructor(
    private readonly root: string,
    private readonly file: string,
    private readonly parse: (bytes: Buffer) => T | null,
  ) {}

  read(pid: number): KeptRead<T> {
    const fd = this.open.get(pid)
    if (fd !== undefined) {
      try {
        return this.parse(readProcBytesAt(fd))
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

  /** Closes one process's file, if it is kept (its next read opens it again). */
  drop(pid: number): void {
    this.forget(pid)
  }

  private openAndRead(pid: number): KeptRead<T> {
    let fd: number
    try {
      fd = openSync(`${this.root}/${pid}/${this.file}`, 'r')
    } catch (err) {
      // No stat, no row: it vanished, or the kernel hides it from us (hidepid, EACCES).
      return isVanished(err) ? GONE : null
    }
    let content: T | null
    try {
      content = this.parse(readProcBytesAt(fd))
    } catch (err) {
      closeSync(fd)
      return isVanished(err) ? GONE : null
    }
    if (keptTotal < maxKeptFiles()) {
      this.open.set(pid, fd)
      keptTotal++
    } else {
      closeSync(fd)
    }
    return content
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

/** Each process's stat, parsed: read every sample unless its schedstat says it has not run (proc-sampler.ts). */
export function statFiles(root: string): KeptProcFiles<ProcStat> {
  return new KeptProcFiles(root, 'stat', (bytes) => parseProcStatBytes(bytes, bytes.length))
}

/** What schedstat says of a process's main thread: time on a CPU and the number of times it got one. */
export interface RunCount {
  cpuNs: number
  slices: number
}

/**
 * Each process's schedstat ("<ns on cpu> <ns waiting> <timeslices>" of its main thread). A
 * sleeping process's stat only changes when it runs, and a run shows here first; the file costs a
 * third of stat to read (measured: ~1.4 against ~4.5 µs of kernel time a read, hot). Read in place,
 * without a string. null for "0 0 0", what a kernel that does not keep these counts shows.
 */
export function schedstatFiles(root: string): KeptProcFiles<RunCount> {
  return new KeptProcFiles(root, 'schedstat', parseSchedstat)
}

export function parseSchedstat(bytes: Buffer): RunCount | null {
  const SPACE = 32
  let i = 0
  let cpuNs = 0
  for (; i < bytes.length && bytes[i] !== SPACE; i++) cpuNs = cpuNs * 10 + (bytes[i]! - 48)
  for (i++; i < bytes.length && bytes[i] !== SPACE; i++); // the wait time: not needed
  let slices = 0
  let digits = 0
  for (i++; i < bytes.length && bytes[i]! >= 48 && bytes[i]! <= 57; i++, digits++) slices = slices * 10 + (bytes[i]! - 48)
  if (digits === 0 || !Number.isFinite(cpuNs) || (cpuNs === 0 && slices === 0)) return null
  return { cpuNs, slices }
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
