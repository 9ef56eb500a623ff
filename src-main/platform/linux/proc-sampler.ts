// The Linux process table: /proc read directly, with descriptors kept open between samples.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { isVanished } from '../errors'
import { readProcText } from './proc-files'
import { parseCmdline, parseStatusUid, type ProcStat } from './proc-stat'
import { GONE, schedstatFiles, statFiles, type KeptProcFiles, type RunCount } from './kept-proc-files'
import { stateFromLetter } from '../state'
import type { ProcessSampler, RawProcess, SampleReads } from '../types'
import { systemFacts } from './system-facts'
import { UserNames } from './user-names'

export interface LinuxSamplerOptions {
  /** Where procfs is mounted; tests point it at a fixture tree. */
  procRoot?: string
  passwdPath?: string
  /** Bytes per page, for stat's rss. Default: systemFacts() (`getconf PAGESIZE`). */
  pageSize?: number
  /** USER_HZ, the unit of stat's times. Default: systemFacts() (`getconf CLK_TCK`). */
  clockTicks?: number
  /** Processes read between two yields to the event loop. */
  batchSize?: number
}

/**
 * How long a process's command line and user are reused before they are read again. stat changes
 * every tick and is read every sample; cmdline and status rarely change (setproctitle, setuid) and
 * cost two more reads per process, more than stat costs through its kept descriptor. A process is
 * read in full when first seen, and again at once when it execs (comm changes) or becomes a zombie
 * (its argv is gone). Besides that, see slowFieldsLifetime: 15–30 s (staggered by pid) for a
 * settled process, which takes a refresh to about one read per process. What is missed for that
 * long is a late retitle or setuid without exec, and an exec of a program with the same comm (bash
 * exec'ing bash); htop, by default, never reads a command line again.
 */
const SLOW_FIELDS_MAX_AGE_MS = 30_000
/** Programs retitle themselves in their first moments: read younger ones again this soon. */
const JUST_STARTED_MS = 1_000
/** How long a forked child that still shows its parent's command line is watched for a retitle. */
const FORKED_WATCH_MS = 30_000

/**
 * How long the command line and user read now stay fresh. A process younger than a second, or a
 * forked child still showing its parent's argv (a postgres or nginx worker before its
 * setproctitle), is read again after a second; any other for 15–30 s, staggered by pid so the
 * re-reads spread over the samples instead of landing on one.
 */
export function slowFieldsLifetime(pid: number, ageMs: number, showsParentCommand: boolean): number {
  if (ageMs < JUST_STARTED_MS || (showsParentCommand && ageMs < FORKED_WATCH_MS)) return JUST_STARTED_MS
  return staggered(pid, SLOW_FIELDS_MAX_AGE_MS)
}

/** Between half of `maxMs` and all of it, by pid: re-reads due at once spread over the samples. */
function staggered(pid: number, maxMs: number): number {
  return maxMs / 2 + (pid % 16) * (maxMs / 32)
}

/**
 * How long a process that has not run may go without a read of its stat. What changes in stat
 * without the process running: its parent (when the parent ends: caught at once, see
 * readProcess), its nice (renice by another process) and its resident memory (the kernel reclaims
 * or swaps out pages of an idle process). Those show within this long, staggered by pid.
 */
const UNRUN_STAT_MAX_AGE_MS = 10_000

interface SlowFields {
  starttime: number
  comm: string
  /** What the row shows, derived from comm, cmdline and status once per read rather than per sample. */
  name: string
  command: string
  user: string
  isZombieArgv: boolean
  /** performance.now() until which they are reused (slowFieldsLifetime). */
  freshUntil: number
}

/** TASK_COMM_LEN - 1: the kernel keeps at most this many bytes of a process name. */
const COMM_MAX = 15

/**
 * Reads /proc directly: stat every sample (through a descriptor kept open, see StatFiles), cmdline
 * and status every few seconds, synchronously and in batches. Sync reads of procfs cost a few µs
 * each; the same reads through fs.promises measured ~7× the CPU (a libuv round trip per
 * open/read/close). Yielding between batches keeps a ~1,000-process sample from holding the event
 * loop for more than a few ms at a time.
 */
export class LinuxProcSampler implements ProcessSampler {
  static readonly KIND = 'linux-proc'
  readonly kind = LinuxProcSampler.KIND
  private readonly root: string
  private readonly users: UserNames
  private readonly batchSize: number
  private pageSize: number | undefined
  private clockTicks: number | undefined
  private bootWallMs: number | undefined
  private readonly slow = new Map<number, SlowFields>()
  /** Each process as the last sample returned it. */
  private readonly last = new Map<number, RawProcess>()
  private readonly statFiles: KeptProcFiles<ProcStat>
  /** null where the kernel has no schedstat (or procRoot is a simulated tree without it). */
  private readonly schedstatFiles: KeptProcFiles<RunCount> | null
  /** Per pid: its schedstat when its stat was last read, and until when that read may stand in for another. */
  private readonly lastRun = new Map<number, { run: RunCount; statFreshUntil: number }>()
  /** What the last sample read (for `proclab bench` and tests). */
  lastReads: SampleReads = { processes: 0, statReads: 0, unrun: 0 }

  constructor(options: LinuxSamplerOptions = {}) {
    this.root = options.procRoot ?? '/proc'
    this.statFiles = statFiles(this.root)
    this.schedstatFiles = existsSync(`${this.root}/1/schedstat`) ? schedstatFiles(this.root) : null
    this.users = new UserNames(options.passwdPath ?? '/etc/passwd')
    this.batchSize = options.batchSize ?? 128
    this.pageSize = options.pageSize
    this.clockTicks = options.clockTicks
  }

  async sample(): Promise<RawProcess[]> {
    this.ensureSystemFacts()
    const pids: number[] = []
    for (const entry of readdirSync(this.root)) if (isPidEntry(entry)) pids.push(Number(entry))
    const listed = new Set(pids)
    const result: RawProcess[] = []
    const now = performance.now()
    this.lastReads = { processes: 0, statReads: 0, unrun: 0 }
    for (let i = 0; i < pids.length; i++) {
      if (i > 0 && i % this.batchSize === 0) await new Promise((resolve) => setImmediate(resolve))
      const row = this.readProcess(pids[i]!, now, listed)
      if (row) result.push(row)
    }
    this.lastReads.processes = result.length
    this.statFiles.keepOnly(listed)
    this.schedstatFiles?.keepOnly(listed)
    for (const pid of this.slow.keys()) if (!listed.has(pid)) this.slow.delete(pid)
    for (const pid of this.last.keys()) if (!listed.has(pid)) this.last.delete(pid)
    for (const pid of this.lastRun.keys()) if (!listed.has(pid)) this.lastRun.delete(pid)
    return result
  }

  /** Gives back the descriptors kept open between samples; the next sample opens them again. */
  close(): void {
    this.statFiles.close()
    this.schedstatFiles?.close()
    this.lastRun.clear()
  }

  /** One process, or null if it vanished while we read it (normal: processes end all the time). */
  private readProcess(pid: number, now: number, listed: ReadonlySet<number>): RawProcess | null {
    const last = this.last.get(pid)
    // A single-threaded process whose main thread has not run since its stat was read has the same
    // stat (UNRUN_STAT_MAX_AGE_MS says what changes without running), unless its parent ended and
    // it has a new one (parentLives). Most processes sleep through a sample, and schedstat costs a
    // third of stat. Threaded ones are read in full: their other threads run unseen here. A process
    // seen for the first time has its schedstat read too, so its second sample can already skip.
    let run: RunCount | null = null
    if (this.schedstatFiles && (!last || last.threads === 1)) {
      const read = this.schedstatFiles.read(pid)
      if (read !== GONE && read !== null) {
        run = read
        const before = this.lastRun.get(pid)
        if (last && before && before.run.cpuNs === run.cpuNs && before.run.slices === run.slices && now < before.statFreshUntil && this.parentLives(last.ppid, listed)) {
          this.lastReads.unrun++
          return last
        }
      }
    }
    const stat = this.statFiles.read(pid)
    this.lastReads.statReads++
    if (stat === GONE || stat === null) return null
    // schedstat was read first: a run between the two reads shows as a change next time.
    if (run !== null && stat.threads === 1) {
      this.lastRun.set(pid, { run, statFreshUntil: now + staggered(pid, UNRUN_STAT_MAX_AGE_MS) })
    } else {
      this.lastRun.delete(pid)
      // A threaded process is read in full every sample: its schedstat descriptor would only take room.
      if (run !== null) this.schedstatFiles!.drop(pid)
    }
    let slow: SlowFields | null | undefined = this.slow.get(stat.pid)
    // A zombie lost its argv: read again until we have seen it so (then nothing changes any more).
    if (!slow || slow.freshUntil < now || slow.starttime !== stat.starttime || slow.comm !== stat.comm || (stat.state === 'Z' && !slow.isZombieArgv)) {
      slow = this.readSlowFields(`${this.root}/${pid}`, stat, now)
      if (!slow) return null
      this.slow.set(stat.pid, slow)
    }
    const state = stateFromLetter(stat.state)
    const cpuTimeMs = ((stat.utime + stat.stime) * 1000) / this.clockTicks!
    const rss = stat.rss * this.pageSize!
    const startedAt = this.startedAtMs(stat.starttime)
    // A process that reads as it did last time is handed back as the same object: no garbage, and
    // the row built from it can be reused as well (rows.ts RowReuse).
    if (
      last &&
      last.cpuTimeMs === cpuTimeMs &&
      last.rss === rss &&
      last.state === state &&
      last.ppid === stat.ppid &&
      last.threads === stat.threads &&
      last.nice === stat.nice &&
      last.startedAt === startedAt &&
      last.name === slow.name &&
      last.command === slow.command &&
      last.user === slow.user
    ) {
      return last
    }
    const raw: RawProcess = { pid: stat.pid, ppid: stat.ppid, name: slow.name, command: slow.command, user: slow.user, state, cpuTimeMs, cpuPercentHint: null, rss, startedAt, threads: stat.threads, nice: stat.nice }
    this.last.set(pid, raw)
    return raw
  }

  /**
   * Whether a process's parent is still alive: listed and, as far as this sample has seen (parents
   * mostly have the lower pid, so are read first), not a zombie. The kernel gives a process a new
   * parent as the old one exits, before that one is reaped, so a zombie parent already has none.
   */
  private parentLives(ppid: number, listed: ReadonlySet<number>): boolean {
    return ppid === 0 || (listed.has(ppid) && this.last.get(ppid)?.state !== 'zombie')
  }

  /** Wall-clock start in ms since the epoch, from stat's starttime (clock ticks since boot). */
  private startedAtMs(starttime: number): number {
    return Math.round(this.bootWallMs! + (starttime * 1000) / this.clockTicks!)
  }

  /** cmdline and status, and what the row shows from them; null if the process ended meanwhile. */
  private readSlowFields(dir: string, stat: ProcStat, now: number): SlowFields | null {
    const cmdlineText = readOptional(`${dir}/cmdline`)
    const statusText = readOptional(`${dir}/status`)
    if (cmdlineText === GONE || statusText === GONE) return null
    const cmdline = parseCmdline(cmdlineText ?? '')
    const uid = statusText === null ? null : parseStatusUid(statusText)
    // Kernel threads and zombies have no argv; ps shows them as [name] too.
    const command = cmdline.length > 0 ? cmdline.join(' ') : `[${stat.comm}]`
    const ageMs = Date.now() - this.startedAtMs(stat.starttime)
    return {
      starttime: stat.starttime,
      comm: stat.comm,
      name: displayName(stat.comm, cmdline),
      command,
      user: uid === null ? '?' : this.users.name(uid),
      isZombieArgv: stat.state === 'Z',
      freshUntil: now + slowFieldsLifetime(stat.pid, ageMs, this.slow.get(stat.ppid)?.command === command),
    }
  }

  private ensureSystemFacts(): void {
    if (this.pageSize === undefined || this.clockTicks === undefined) {
      const facts = systemFacts()
      this.pageSize ??= facts.pageSize
      this.clockTicks ??= facts.clockTicks
    }
    this.bootWallMs ??= readBootWallMs(this.root)
  }
}

/** A /proc file's text; GONE if the process ended (ENOENT/ESRCH); null if we may not read it. */
function readOptional(path: string): string | typeof GONE | null {
  try {
    return readProcText(path, { wholeOnFirstRead: true })
  } catch (err) {
    return isVanished(err) ? GONE : null
  }
}

/** A pid's folder in /proc ("1234"), not one of the other entries ("self", "sys", ...). */
function isPidEntry(entry: string): boolean {
  const first = entry.charCodeAt(0)
  return first >= 48 && first <= 57 && /^\d+$/.test(entry)
}

/**
 * comm is cut at 15 bytes ("systemd-journal"); when argv[0] starts with it, argv[0] has the whole
 * name: as a title a program set itself ("npm exec tsx ..."), or as a path whose basename it is.
 */
/**
 * Threads that programs rename the main thread to, so that the kernel's name says nothing about
 * the program: Node ≥ 24 calls its main thread "MainThread" in every Node process.
 */
const RENAMED_MAIN_THREADS = new Set(['MainThread'])

export function displayName(comm: string, argv: readonly string[]): string {
  const argv0 = argv[0]
  if (argv0 !== undefined && RENAMED_MAIN_THREADS.has(comm)) return argv0.slice(argv0.lastIndexOf('/') + 1) || comm
  if (Buffer.byteLength(comm) < COMM_MAX || argv0 === undefined) return comm
  if (argv0.startsWith(comm)) return argv0
  const base = argv0.slice(argv0.lastIndexOf('/') + 1)
  return base.startsWith(comm) ? base : comm
}

/**
 * Wall-clock boot time in ms. /proc/uptime has 10 ms resolution where btime has 1 s, and inside a
 * time namespace it is offset the same way as stat's starttime; btime is the fallback.
 */
function readBootWallMs(root: string): number {
  try {
    const uptimeSeconds = Number(readFileSync(`${root}/uptime`, 'utf8').split(' ')[0])
    if (Number.isFinite(uptimeSeconds) && uptimeSeconds > 0) return Date.now() - uptimeSeconds * 1000
  } catch {
    // fall through to btime
  }
  const btime = /^btime\s+(\d+)$/m.exec(readFileSync(`${root}/stat`, 'utf8'))?.[1]
  if (btime === undefined) throw new Error(`no boot time in ${root}/uptime or ${root}/stat`)
  return Number(btime) * 1000
}
