import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import { isVanished } from './errors'
import { readProcText } from './proc-files'
import { parseCmdline, parseProcStat, parseStatusUid } from './proc-stat'
import { stateFromLetter } from './state'
import type { ProcessSampler, RawProcess } from './types'
import { UserNames } from './user-names'

export interface LinuxSamplerOptions {
  /** Where procfs is mounted; tests point it at a fixture tree. */
  procRoot?: string
  passwdPath?: string
  /** Bytes per page, for stat's rss. Default: `getconf PAGESIZE`, else 4096. */
  pageSize?: number
  /** USER_HZ, the unit of stat's times. Default: `getconf CLK_TCK`, else 100. */
  clockTicks?: number
  /** Processes read between two yields to the event loop. */
  batchSize?: number
}

/**
 * How long a process's command line and user are reused before they are read again. stat changes
 * every tick and is read every sample; cmdline and status rarely change (setproctitle, setuid) and
 * cost two more reads per process, twice what stat costs: re-reading them at most every few seconds
 * takes a 1,000-process refresh from three files per process to one. An exec changes comm, and a
 * process that became a zombie lost its argv: either one is read again at once. What is missed is an
 * exec of a program with the same comm between two samples (bash exec'ing bash): its new command
 * line shows within SLOW_FIELDS_MAX_AGE_MS, the price of not reading two files per process a second.
 */
const SLOW_FIELDS_MAX_AGE_MS = 5_000

interface SlowFields {
  starttime: number
  comm: string
  cmdline: string[]
  uid: number | null
  /** performance.now() of the read, staggered per pid so they do not all expire on the same sample. */
  freshUntil: number
}

/** TASK_COMM_LEN - 1: the kernel keeps at most this many bytes of a process name. */
const COMM_MAX = 15

/**
 * Reads /proc directly: three small files per process, synchronously and in batches. Sync reads of
 * procfs cost a few µs each; the same reads through fs.promises measured ~7× the CPU (a libuv
 * round trip per open/read/close). Yielding between batches keeps a ~1,000-process sample from
 * holding the event loop for more than a few ms at a time.
 */
export class LinuxProcSampler implements ProcessSampler {
  readonly kind = 'linux-proc'
  private readonly root: string
  private readonly users: UserNames
  private readonly batchSize: number
  private pageSize: number | undefined
  private clockTicks: number | undefined
  private bootWallMs: number | undefined
  private slow = new Map<number, SlowFields>()

  constructor(options: LinuxSamplerOptions = {}) {
    this.root = options.procRoot ?? '/proc'
    this.users = new UserNames(options.passwdPath ?? '/etc/passwd')
    this.batchSize = options.batchSize ?? 128
    this.pageSize = options.pageSize
    this.clockTicks = options.clockTicks
  }

  async sample(): Promise<RawProcess[]> {
    this.ensureSystemFacts()
    const pids = readdirSync(this.root).filter((entry) => /^\d+$/.test(entry))
    const result: RawProcess[] = []
    const previous = this.slow
    this.slow = new Map()
    const now = performance.now()
    for (let i = 0; i < pids.length; i++) {
      if (i > 0 && i % this.batchSize === 0) await yieldToEventLoop()
      const row = this.readProcess(pids[i]!, previous, now)
      if (row) result.push(row)
    }
    return result
  }

  /** One process, or null if it vanished while we read it (normal: processes end all the time). */
  private readProcess(pidDir: string, previous: ReadonlyMap<number, SlowFields>, now: number): RawProcess | null {
    const dir = `${this.root}/${pidDir}`
    const statText = readOptional(`${dir}/stat`)
    // No stat, no row: it vanished, or the kernel hides it from us (hidepid, EACCES).
    if (statText === GONE || statText === null) return null
    const stat = parseProcStat(statText)
    if (!stat) return null
    let slow = previous.get(stat.pid)
    if (!slow || slow.freshUntil < now || slow.starttime !== stat.starttime || slow.comm !== stat.comm || stat.state === 'Z') {
      const cmdlineText = readOptional(`${dir}/cmdline`)
      const statusText = readOptional(`${dir}/status`)
      if (cmdlineText === GONE || statusText === GONE) return null
      // Staggered by pid, so the re-reads spread over the samples instead of landing on one.
      const stagger = (stat.pid % 16) * (SLOW_FIELDS_MAX_AGE_MS / 16)
      slow = { starttime: stat.starttime, comm: stat.comm, cmdline: parseCmdline(cmdlineText ?? ''), uid: statusText === null ? null : parseStatusUid(statusText), freshUntil: now + SLOW_FIELDS_MAX_AGE_MS / 2 + stagger }
    }
    this.slow.set(stat.pid, slow)
    const { cmdline, uid } = slow
    const ticks = this.clockTicks!
    return {
      pid: stat.pid,
      ppid: stat.ppid,
      name: displayName(stat.comm, cmdline),
      // Kernel threads and zombies have no argv; ps shows them as [name] too.
      command: cmdline.length > 0 ? cmdline.join(' ') : `[${stat.comm}]`,
      user: uid === null ? '?' : this.users.name(uid),
      state: stateFromLetter(stat.state),
      cpuTimeMs: ((stat.utime + stat.stime) * 1000) / ticks,
      cpuPercentHint: null,
      rss: stat.rss * this.pageSize!,
      startedAt: Math.round(this.bootWallMs! + (stat.starttime * 1000) / ticks),
      threads: stat.threads,
      nice: stat.nice,
    }
  }

  private ensureSystemFacts(): void {
    if (this.pageSize === undefined || this.clockTicks === undefined) {
      const facts = readGetconf()
      this.pageSize ??= facts.pageSize
      this.clockTicks ??= facts.clockTicks
    }
    this.bootWallMs ??= readBootWallMs(this.root)
  }
}

const GONE = Symbol('gone')

/** A /proc file's text; GONE if the process ended (ENOENT/ESRCH); null if we may not read it. */
function readOptional(path: string): string | typeof GONE | null {
  try {
    return readProcText(path)
  } catch (err) {
    return isVanished(err) ? GONE : null
  }
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

function readGetconf(): { pageSize: number; clockTicks: number } {
  // Pages are 4 KiB on x86 but 16/64 KiB on some arm64 kernels, so ask once; USER_HZ is 100
  // on every architecture Linux still ships, which is the fallback.
  return { pageSize: getconf('PAGESIZE') ?? 4096, clockTicks: getconf('CLK_TCK') ?? 100 }
}

function getconf(name: string): number | undefined {
  try {
    const value = Number(execFileSync('getconf', [name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 }).trim())
    return Number.isInteger(value) && value > 0 ? value : undefined
  } catch {
    return undefined
  }
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
