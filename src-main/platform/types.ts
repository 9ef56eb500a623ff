// The one interface behind which each operating system's ways are kept (DESIGN.md, "platform/"):
// one module per OS implements it, index.ts picks one when it is first loaded, and nothing outside
// this folder asks which OS it runs on (as psutil's _ps<os> modules and htop's <os>/ folders do).
// Everything here is a fact about the OS or a way of doing something on it; what ProcLab decides
// with those facts (which pids may be signalled, what a run is) stays in lab/ and monitor/.
import type { SignalName, SignalOutcome } from '../../src-shared/contract'

/** ProcLab's own folders for what it keeps between runs. */
export interface DataFolders {
  /** The folder that holds the others (the user's data folder for ProcLab). */
  root: string
  /** Recorded sessions, one NDJSON file each: what the app, `proclab serve`, `run` and `sessions` share. */
  sessions: string
  /** Exports made from the Sessions tab. */
  exports: string
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
  /** One signal to one process; throws MonitorError ('not-found', 'refused', 'failed'). */
  send(pid: number, signal: SignalName): void
  /**
   * The signal to `root` and its whole tree (the root already checked by the caller). Outcomes are
   * the root's first, then top-down; a refusal or failure below the root is an outcome, not a throw.
   * POSIX: stop the tree first, so nothing forks behind the signal, then signal, then continue.
   * Windows: the kernel's tree of the root ended at once (there are no other signals there).
   */
  sendToTree(root: number, signal: SignalName, tree: TreeWalk): Promise<SignalOutcome[]>
}

export interface Platform {
  /** Node's name for the OS (process.platform), for records and messages: never a thing to branch on. */
  readonly name: NodeJS.Platform
  /** The OS as people call it, for messages ("does not exist on Windows"). */
  readonly title: string
  /** Which signals exist and how one, or a tree's worth, is delivered. */
  readonly signals: SignalSupport
  /** How a process's end is reported (Python's convention). */
  readonly exits: ExitMapping
  /** Where ProcLab keeps sessions and exports, from the user's environment and home folder. */
  dataFolders(env?: NodeJS.ProcessEnv, home?: string): DataFolders
  /**
   * Folders that earlier versions kept sessions in and that are no longer used, oldest rule first
   * (the desktop app on Linux once kept them apart from the CLI's): their files are moved over.
   */
  formerDataFolders(env?: NodeJS.ProcessEnv, home?: string): DataFolders[]
}
