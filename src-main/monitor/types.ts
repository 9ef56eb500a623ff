import type { Platform } from '../platform'
import type { ProcessDetails, ProcessState, SignalName, SignalOutcome, SystemProcess, SystemProcessChanges, SystemSummary } from '../../src-shared/contract'

/**
 * One process as a platform sampler sees it, before anything is computed across samples.
 * Platforms fill what they can; the shared code turns a pair of these into a `SystemProcess`.
 */
export interface RawProcess {
  pid: number
  ppid: number
  name: string
  command: string
  user: string
  state: ProcessState
  /**
   * User + system CPU time consumed so far, in ms, when the platform tells us (Linux /proc).
   * With it, CPU % is computed here from two samples, the same way on every platform that has it.
   */
  cpuTimeMs: number | null
  /**
   * CPU % (100 = one core) computed by someone else, used only when cpuTimeMs is null
   * (systeminformation on macOS/Windows keeps its own baseline).
   */
  cpuPercentHint: number | null
  /** Resident memory in bytes. */
  rss: number
  /** Wall-clock start, ms since epoch, when known. Also tells a reused pid from the old process. */
  startedAt: number | null
  /** Threads, when the platform says (Linux stat's num_threads). */
  threads: number | null
  /** Nice value, when the platform says. */
  nice: number | null
}

/** The part a platform implements (htop's split: platform-specific sampling, everything else shared). */
export interface ProcessSampler {
  readonly kind: string
  sample(): Promise<RawProcess[]>
  /** How the last sample read the processes, where the sampler can say (the Linux one does). */
  readonly lastReads?: SampleReads
}

/** How many processes a sample returned, how many it read stat of, and how many it found unchanged by their schedstat alone (linux-sampler.ts). */
export interface SampleReads {
  processes: number
  statReads: number
  unrun: number
}

/** Two samples' worth of input to the CPU % computation. */
export interface TimedSample {
  /** Monotonic time of the sample, in ms (performance.now()). */
  at: number
  processes: RawProcess[]
}

export interface SignalGuard {
  /** Pids that must never be signalled from the UI: the host itself, its renderer, ... */
  protectedPids: ReadonlySet<number>
  /** The host's parent, grandparent, ...: signalling one would end ProcLab too. The monitor fills it in. */
  ancestorPids?: ReadonlySet<number>
}

export interface Monitor {
  readonly sampler: ProcessSampler
  /** The machine's processes now; `lab: true` for the given pids. CPU % is relative to the previous call. */
  list(labPids: ReadonlySet<number>): Promise<SystemProcess[]>
  /**
   * A new sample as changes since answer `since` of this method (the whole table without it, or when
   * that answer is no longer kept). Samples are shared with list(): one read of /proc serves both.
   */
  changes(labPids: ReadonlySet<number>, since?: number): Promise<SystemProcessChanges>
  /** Machine-wide figures; CPU per core is relative to the previous call. */
  system(): Promise<SystemSummary>
  /** cwd, environment, open files and children of one process; throws MonitorError 'not-found' / 'refused'. */
  details(pid: number): Promise<ProcessDetails>
  /** Sends a signal after the safety checks; throws a MonitorError, never anything else. */
  sendSignal(pid: number, signal: SignalName, guard: SignalGuard): void
  /**
   * The signal to `pid` and all its descendants (stop, signal, continue; see signal-tree.ts).
   * Rejects with a MonitorError when the root itself is refused or gone; per-process refusals and
   * failures below it are in the outcomes.
   */
  signalTree(pid: number, signal: SignalName, guard: SignalGuard): Promise<SignalOutcome[]>
  /** Set when the process table is a simulated one (PROCLAB_PROC_ROOT): no signal is ever sent then. */
  readonly simulatedRoot: string | null
}

export interface MonitorOptions {
  /** Defaults to /proc on Linux and systeminformation elsewhere. */
  sampler?: ProcessSampler
  /** Cores, for the CPU % ceiling. Defaults to os.availableParallelism(). */
  cores?: number
  /**
   * Calls closer together than this keep measuring CPU % against the older baseline, so two UIs
   * polling at once do not get 10 ms windows where one clock tick reads as 0 % or 100 %. Default 200.
   */
  minCpuWindowMs?: number
  /** RAM in bytes, for memPercent. Defaults to MemTotal (Linux) or os.totalmem(). */
  memTotal?: number
  /**
   * Where the Linux sampler reads procfs. Default: $PROCLAB_PROC_ROOT, else /proc. Anything but
   * /proc is a simulated table (tests, benchmarks: thousands of made-up processes), whose pids are
   * not real: the monitor then refuses every signal.
   */
  procRoot?: string
  /** The OS whose ways the monitor uses; tests pass another's (win32) to check its rules here. Default: this one. */
  platform?: Platform
}
