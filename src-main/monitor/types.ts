import type { Platform, ProcessSampler } from '../platform'
import type { HostAccount } from './signal-rule'
import type { ProcessDetails, SignalName, SignalOutcome, SystemProcess, SystemProcessChanges, SystemSummary } from '../../src-shared/contract'

// The sampler's types belong to the OS modules that implement them (platform/types.ts).
export type { ParentTable, ProcessSampler, RawProcess, SampleReads, SystemReader, TimedSample } from '../platform/types'

export interface SignalGuard {
  /** Pids that must never be signalled from the UI: the host itself, its renderer, ... */
  protectedPids: ReadonlySet<number>
  /** The host's parent, grandparent, ...: signalling one would end ProcLab too. The monitor fills it in. */
  ancestorPids?: ReadonlySet<number>
}

export interface Monitor {
  readonly sampler: ProcessSampler
  /**
   * The machine's processes now; `lab: true` for the given pids. CPU % is relative to the previous
   * call. Each row's `signalRefused` follows signal-rule.ts with `guard`'s protected pids (the host's
   * own and its ancestors' are always protected).
   */
  list(labPids: ReadonlySet<number>, guard?: SignalGuard): Promise<SystemProcess[]>
  /**
   * A new sample as changes since answer `since` of this method (the whole table without it, or when
   * that answer is no longer kept). Samples are shared with list(): one read of /proc serves both.
   */
  changes(labPids: ReadonlySet<number>, since?: number, guard?: SignalGuard): Promise<SystemProcessChanges>
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
  /** Defaults to the platform's (platform.processes.sampler(): /proc on Linux, NtQuerySystemInformation on Windows, libproc on macOS, systeminformation where those cannot be called). */
  sampler?: ProcessSampler
  /** Cores, for the CPU % ceiling. Defaults to os.availableParallelism(). */
  cores?: number
  /**
   * Calls closer together than this keep measuring CPU % against the older baseline, so two UIs
   * polling at once do not get 10 ms windows where one clock tick reads as 0 % or 100 %. Default 200.
   */
  minCpuWindowMs?: number
  /** RAM in bytes, for memPercent. Defaults to the platform's figure (MemTotal on Linux, os.totalmem() elsewhere). */
  memTotal?: number
  /**
   * Where the Linux sampler reads procfs. Default: $PROCLAB_PROC_ROOT, else /proc. Anything but
   * /proc is a simulated table (tests, benchmarks: thousands of made-up processes), whose pids are
   * not real: the monitor then refuses every signal.
   */
  procRoot?: string
  /** Who the host runs as, for the rows' `signalRefused`. Default: this process's user (the platform's name for it) and whether it is root. */
  account?: HostAccount
  /** The OS whose ways the monitor uses; tests pass another's (win32) to check its rules here. Default: this one. */
  platform?: Platform
}
