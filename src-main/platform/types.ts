// The one interface behind which each operating system's ways are kept (DESIGN.md, "platform/"):
// one module per OS implements it, index.ts picks one when it is first loaded, and nothing outside
// this folder asks which OS it runs on (as psutil's _ps<os> modules and htop's <os>/ folders do).
// Everything here is a fact about the OS or a way of doing something on it; what ProcLab decides
// with those facts (which pids may be signalled, what a run is) stays in lab/ and monitor/.
import type { ProcessDetails, ProcessState, SignalName, SignalOutcome, SystemSummary } from '../../src-shared/contract'

/** One operating system's ways (each part's interface follows). */
export interface Platform {
  /** Node's name for the OS (process.platform), for records and messages: never a thing to branch on. */
  readonly name: NodeJS.Platform
  /** The OS as people call it, for messages ("does not exist on Windows"). */
  readonly title: string
  /** Whether the OS has fork(2), and so Python's 'fork' start method (the bench compares with it). */
  readonly hasFork: boolean
  /** Whether apps lead the menu bar with a menu of their own (About, Quit) and close windows from File (macOS). */
  readonly hasAppMenu: boolean
  /** Whether an app lives on when its last window closes, until it is quit (macOS: its menu bar and Dock icon stay). */
  readonly appOutlivesWindows: boolean
  /** The key that shortcuts such as reload are written with ('Ctrl', or macOS's '⌘'). */
  readonly shortcutKey: string
  /** Whether an Electron app starts its child processes from its helper app rather than its main binary (macOS). */
  readonly electronChildrenUseHelper: boolean
  /** The process table, parents, details and machine figures, as the monitor reads them. */
  readonly processes: ProcessTable
  /** The name of the user this process runs as, spelled as the process table spells users. */
  userName(): string
  /** Which signals exist and how one, or a tree's worth, is delivered. */
  readonly signals: SignalSupport
  /** How a process's end is reported (Python's convention). */
  readonly exits: ExitMapping
  /** The broker's address, the guard against the host's death, process groups and pid checks, for the lab. */
  readonly lab: LabSupport
  /** Where ProcLab keeps sessions and exports, from the user's environment and home folder. */
  dataFolders(env?: NodeJS.ProcessEnv, home?: string): DataFolders
  /**
   * Folders that earlier versions kept sessions in and that are no longer used, oldest rule first
   * (the desktop app on Linux once kept them apart from the CLI's): their files are moved over.
   */
  formerDataFolders(env?: NodeJS.ProcessEnv, home?: string): DataFolders[]
}

/** ProcLab's own folders for what it keeps between runs. */
export interface DataFolders {
  /** The folder that holds the others (the user's data folder for ProcLab). */
  root: string
  /** Recorded sessions, one NDJSON file each: what the app, `proclab serve`, `run` and `sessions` share. */
  sessions: string
  /** Exports made from the Sessions tab. */
  exports: string
}

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
   * (systeminformation, the fallback on macOS and Windows, keeps its own baseline).
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

/**
 * The process table's reader (htop's split: each OS samples, the monitor computes the rest). Linux
 * reads /proc, Windows calls NtQuerySystemInformation, macOS libproc (through koffi); where those
 * calls cannot be made, systeminformation (native-table.ts).
 */
export interface ProcessSampler {
  readonly kind: string
  sample(): Promise<RawProcess[]>
  /** How the last sample read the processes, where the sampler can say (the Linux one does). */
  readonly lastReads?: SampleReads
}

/** How many processes a sample returned, how many it read stat of, and how many it found unchanged by their schedstat alone (linux/proc-sampler.ts). */
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

/** pid → ppid for every process we can see. */
export type ParentTable = ReadonlyMap<number, number>

/** Machine-wide figures (CPU per core, load, memory, counts, uptime). */
export interface SystemReader {
  read(): Promise<SystemSummary>
}

/** CPU time and resident memory of one process, read on its own. */
export interface ProcessUsage {
  /** User + system CPU time so far, in ms. */
  cpuTimeMs: number
  /** Resident memory in bytes. */
  rss: number
}

/** What the monitor reads of the OS: the table, the parents, one process's details, the machine. */
export interface ProcessTable {
  /** The `kind` of the samplers sampler() makes ('linux-proc', 'windows-nt', 'darwin-libproc', 'systeminformation'), known before one is made. */
  readonly samplerKind: string
  /** A new sampler of the whole table (one per monitor: samplers keep state between samples). */
  sampler(): ProcessSampler
  /**
   * Reads pid → ppid now, for signals (the last sample may be seconds old): where nothing cheaper
   * than a full sample exists (systeminformation's table on Windows), the last sample's, which `lastSample` gives.
   */
  parentReader(lastSample: () => TimedSample | null): () => ParentTable
  /**
   * cwd, environment, open files and children of one process; fields the OS will not give say why.
   * `childrenFromSample` lists children where the OS keeps no list of its own. Throws MonitorError
   * 'not-found' (no such process), 'refused' (hidden from this user), 'failed'.
   */
  details(pid: number, childrenFromSample: (pid: number) => number[]): ProcessDetails
  /** A reader of machine-wide figures; `lastSample` is the monitor's, which may save it a count. */
  systemReader(lastSample: () => TimedSample | null): SystemReader
  /** RAM in bytes (what the system summary calls total), for memory %. */
  totalMemory(): number
  /**
   * CPU time and memory of a few known processes, read cheaply (Linux: one stat file each), for
   * sampling a run's processes every second; null where only a whole-table sample can tell, and a
   * process that has gone is left out of the answer.
   */
  readonly usage: ((pids: readonly number[]) => Map<number, ProcessUsage>) | null
  /**
   * One process's arguments now (argv), read on their own, for a question about a few processes
   * (the shell asks which of its children are Chromium's); null where only a whole-table sample
   * can tell. The inner null: no such process, or not readable.
   */
  readonly commandLine: ((pid: number) => string[] | null) | null
  /** CPU time, in ms, of this process's children that it has waited for (what `time` adds for them); null where it cannot be read. */
  readonly waitedChildrenCpuMs: (() => number) | null
}

/** How a process ended, as ProcLab reports it. */
export interface ExitStatus {
  /** Python's multiprocessing exitcode: the exit code, or minus the number of the signal that ended it. */
  exitCode: number
  /** The signal that ended it, if one did. */
  signal: NodeJS.Signals | null
}

export interface ExitMapping {
  /** From what Node's 'exit' event says (a code or a signal). */
  fromNode(code: number | null, signal: NodeJS.Signals | null): ExitStatus
  /** The signal's number here (Python's exitcode is minus it), or null if this OS has no such signal. */
  signalNumber(signal: NodeJS.Signals): number | null
}

/** What signalling a whole tree needs from the caller, which decides what may be signalled. */
export interface TreeWalk {
  /** The root and everything below it now, parents first; null when the root is gone. Read fresh each call. */
  scan(): number[] | null
  /** The parent the last scan's table gave `pid` (Windows checks it is older than its child before ending the child), or null. */
  parentOf(pid: number): number | null
  /** The checks one process must pass before it is signalled; throws a MonitorError if it is refused. */
  check(pid: number): void
}

export interface SignalSupport {
  /** The signals of the contract's list that exist here; the others are refused before anything is sent. */
  readonly available: readonly SignalName[]
  /**
   * The process a pid belongs to: the pid itself, or, where a thread's id can be signalled as if it
   * were a process (Linux: kill(2) of a thread id reaches its whole thread group), that process.
   * Throws MonitorError 'not-found' when there is no such task, 'refused' when the OS will not say.
   */
  processOf(pid: number): number
  /**
   * One signal to one process; throws MonitorError ('not-found', 'refused', 'failed'). Windows:
   * TerminateProcess with the exit code that names the signal (ExitMapping reads it back as -n).
   */
  send(pid: number, signal: SignalName): void
  /** The lab's way of ending its own processes: as send(), and a process already gone (or not ours) is no failure. */
  sendIfThere(pid: number, signal: NodeJS.Signals): void
  /**
   * The signal to `root` and its whole tree (the root already checked by the caller). Outcomes are
   * the root's first, then top-down; a refusal or failure below the root is an outcome, not a throw.
   * POSIX: stop the tree first, so nothing forks behind the signal, then signal, then continue.
   * Windows: top-down, each process ended only if it is younger than the parent the table names
   * (Windows keeps a dead parent's pid in its children's records, and reuses pids).
   */
  sendToTree(root: number, signal: SignalName, tree: TreeWalk): Promise<SignalOutcome[]>
}

/** Where a host's broker listens. */
export interface BrokerAddress {
  /** What lab processes connect to (a socket's path, or a named pipe's name). */
  path: string
  /** The private directory holding the socket, removed with it; null for a named pipe. */
  dir: string | null
}

export interface BrokerSupport {
  /**
   * A new address for this host's broker. POSIX: a socket in a fresh 0700 directory (what hosts
   * that died left is removed first). Windows: a named pipe with an unguessable name (Node cannot
   * narrow a pipe's DACL, so there the per-process tokens are what keeps other clients out).
   */
  address(): Promise<BrokerAddress>
  /** Once the broker listens: narrows who may open the address, where the OS lets it (POSIX: the socket's mode). */
  listening(address: BrokerAddress): void
  /** Removes what address() made, when the broker closes (and at the host's exit if it never did). */
  release(address: BrokerAddress): void
}

/** Something outside user code that ends a run's processes when the host dies, however it dies. */
export interface HostDeathGuard {
  /** The guard's own process (the monitor must refuse to signal it), or null. */
  readonly pid: number | null
  /**
   * From now on, the host's death ends the run this lab main leads (`leader`: its pid). POSIX: its
   * process group and what descends from the group's members. Windows: the run's job object
   * (kill on close, its one handle the host's), which the lab main's descendants join at birth.
   */
  watch(leader: number): void
  /** The run has ended: forget it (its pid may be reused once its members are gone). */
  unwatch(leader: number): void
  /** The host is shutting down in order: the guard exits (ending what it still watches). */
  close(): void
}

/**
 * A run's processes as one: POSIX, the process group each run's lab main leads; Windows, the job
 * object the guard put the lab main in. One signal reaches it all.
 */
export interface ProcessGroups {
  /** The signal to every member of the group; a group that is gone is no failure. */
  signal(group: number, signal: NodeJS.Signals): void
  /** Whether any process of the group is left, zombies included. */
  exists(group: number): boolean
}

/** What the OS says about one process now, which a lab process's word is checked against. */
export interface OsProcess {
  ppid: number
  /** Its process group: a run's processes share the lab main's (unless they left it). Windows: the lab main whose run job holds it, or 0. */
  pgrp: number
  /** With the pid, it names one process for good (a pid alone is reused). Linux: clock ticks after boot; Windows: µs since 1970. */
  startTime: number
  /** Z for a zombie: it has ended, only its exit status is left. */
  state: string
}

/** One row of the whole table as a run's end needs it. */
export interface ProcessRow {
  pid: number
  ppid: number
  pgid: number
  /** Ended but not yet reaped: it can no longer run, whatever signal it gets. */
  zombie: boolean
}

/** What the lab (its supervisor and broker in the host, its runtime in every lab process) needs of the OS. */
export interface LabSupport {
  readonly broker: BrokerSupport
  /** Starts this host's guard against its own death; `onTrouble` hears when the guard fails or restarts. */
  hostDeathGuard(onTrouble: (message: string) => void): HostDeathGuard
  /**
   * How long a lab process that sees the host die (its broker socket closes) leaves the guard to
   * act before it ends itself (the guard's end is the one that reaches busy processes too; POSIX's
   * finds a process that left the run's group only below a parent that is still there).
   */
  readonly selfEndDelayMs: number
  /**
   * Whether lab processes spawn their children `detached` (Windows: so that no child is in its
   * parent's libuv job, which ends it with its parent, and an orphan can outlive its parent as on
   * POSIX; POSIX: never, which would take the child out of the run's process group).
   */
  readonly detachedChildren: boolean
  /** A run's processes as one (each run's lab main is spawned `detached`, to lead them); null where the OS has no such thing. */
  readonly groups: ProcessGroups | null
  /**
   * The process with this pid now, or null if there is none. Null itself where the OS cannot say
   * cheaply (Linux reads /proc, Windows asks through a handle; macOS cannot yet): there a pid is
   * taken from the parent that spawned it, which proved who it is with its token.
   */
  readonly identify: ((pid: number) => OsProcess | null) | null
  /** Every process we can see, with parent and group, to find a run's members; null where the OS keeps the run together itself (Windows' job objects). */
  runTable(): ProcessRow[] | null
  /**
   * Whether a socket's descriptor may be written directly (writeSync) when Node's stream has
   * nothing queued: the wire's fast path. Not on Windows, whose pipe handles are no descriptors.
   */
  readonly directSocketWrites: boolean
  /**
   * OS processes that stay zombies until their parent reaps them (the zombie lesson's
   * spawnUnreaped); null where ProcLab cannot make one: Windows has no zombies (a process that
   * ended is gone once its handles close), macOS is not wired yet.
   */
  readonly unreaped: UnreapedSpawning | null
  /**
   * Whether the OS gives a process whose parent ended a new parent (POSIX: init or a subreaper)
   * and keeps ended processes as zombies until reaped: what the lab watches for while a run lives.
   * Windows does neither (an orphan keeps its dead parent's pid; an ended process is gone).
   */
  readonly reparentsOrphans: boolean
  /** Stopping a run's processes where they are and letting them go on (issue 17, pause the world). */
  readonly pausing: RunPausing
}

/** Pause the world: every process of a run stopped at once, no code of theirs running until resumed. */
export interface RunPausing {
  /**
   * Stops the run's process group (`group`: its leader's pid, null where the OS has none) and each
   * of `pids`. POSIX: SIGSTOP; Windows: NtSuspendProcess. A pid that is gone is no failure.
   */
  pause(group: number | null, pids: readonly number[]): void
  /** Undoes pause for the same group and pids (POSIX: SIGCONT; Windows: NtResumeProcess). */
  resume(group: number | null, pids: readonly number[]): void
  /** Whether a paused process sent `signal` must be continued to act on it (POSIX: all but SIGKILL and SIGSTOP). */
  needsContinueAfter(signal: NodeJS.Signals): boolean
}

/** See LabSupport.unreaped. */
export interface UnreapedSpawning {
  /** posix_spawnp(command, args) with this process's environment: its pid. Throws with the OS's reason. */
  spawn(command: string, args: readonly string[]): number
  /** waitpid(pid) without blocking, asked again until it has ended: resolves with its exit, and it is gone. */
  reap(pid: number): Promise<ExitStatus>
}
