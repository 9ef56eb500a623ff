// Windows: no signals but TerminateProcess, no process groups, a named pipe for the broker, data
// under %APPDATA%. The process table comes from native calls (win32/table.ts), systeminformation
// where they cannot be made, and the guard against the host's death is a seam for a job object.
import { homedir } from 'node:os'
import { win32 as path } from 'node:path'
import type { SignalName } from '../../src-shared/contract'
import { deliverSignal } from './deliver'
import { signalExits } from './exits'
import { APP_FOLDER, foldersIn } from './folders'
import type { ExitMapping, HostDeathGuard, LabSupport, Platform, SignalSupport } from './types'
import { accountName } from './user'
import { namedPipeBroker } from './win32/pipe'
import { taskkillTree } from './win32/taskkill'
import { nativeOrFallback } from './native-table'
import type { SiShape } from './si/sampler'
import { parentsFromSample, siTable } from './si/table'
import { windowsNativeTable } from './win32/table'

/**
 * The signals Windows can honour: Node ends the process (TerminateProcess) for both. Node would
 * silently turn SIGINT into a hard kill too, and has no SIGSTOP, SIGCONT or SIGHUP at all.
 */
const AVAILABLE: readonly SignalName[] = ['SIGTERM', 'SIGKILL']

/** Node's signal numbers on Windows (its os.constants.signals there), so Windows' rules test anywhere. */
const SIGNAL_NUMBERS: Readonly<Partial<Record<NodeJS.Signals, number>>> = { SIGHUP: 1, SIGINT: 2, SIGILL: 4, SIGFPE: 8, SIGKILL: 9, SIGSEGV: 11, SIGTERM: 15, SIGBREAK: 21, SIGABRT: 22, SIGWINCH: 28 }

/**
 * What Python's multiprocessing gives TerminateProcess for terminate(), and reports as -SIGTERM.
 * ProcLab ends a process "with signal n" by the exit code TERMINATED + n (terminationCode), so
 * its parent, which sees only an exit code, can still report -n.
 */
const TERMINATED = 0x10000
/** The highest signal number a termination code may carry. */
const MAX_SIGNAL = 64

/** The exit code to end a process with (TerminateProcess), so that it is reported as ended by `signal`. */
export function terminationCode(signal: NodeJS.Signals): number {
  return TERMINATED + (SIGNAL_NUMBERS[signal] ?? SIGNAL_NUMBERS.SIGTERM!)
}

function signalNamed(number: number): NodeJS.Signals | null {
  for (const [name, n] of Object.entries(SIGNAL_NUMBERS)) if (n === number) return name as NodeJS.Signals
  return null
}

/** systeminformation passes on WMI/PowerShell: CPU as a share of the machine, the whole command line, no nice. */
export const WINDOWS_SI_SHAPE: SiShape = { cpuPerCore: false, wholeCommand: true, nice: false }

const signals: SignalSupport = {
  available: AVAILABLE,
  processOf: (pid) => pid,
  send: deliverSignal,
  // taskkill ends the tree whatever the signal: SIGTERM and SIGKILL are one and the same here.
  sendToTree: async (root, signal) => [await taskkillTree(root, signal)],
}

const numbered = signalExits(SIGNAL_NUMBERS)

/**
 * A child Node itself killed (ChildProcess.kill) comes with its signal, as on POSIX. Any other
 * end is an exit code: one of ProcLab's termination codes reads as the signal it stands for
 * (Python's own TERMINATED as SIGTERM), anything else as the code it is.
 */
const exits: ExitMapping = {
  signalNumber: numbered.signalNumber,
  fromNode(code, signal) {
    if (code !== null && signal === null && code >= TERMINATED && code <= TERMINATED + MAX_SIGNAL) {
      const number = code === TERMINATED ? SIGNAL_NUMBERS.SIGTERM! : code - TERMINATED
      return { exitCode: -number, signal: signalNamed(number) }
    }
    return numbered.fromNode(code, signal)
  },
}

/**
 * The seam for Windows' guard against the host's death: a job object with
 * JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, made once per host, whose only handle the host holds (so the
 * kernel closes it, and ends every process in it, when the host dies however it dies). watch()
 * puts the run's lab main in it (AssignProcessToJobObject; its descendants join at birth);
 * unwatch() has nothing to do. It needs native calls (koffi): until then the guard does nothing,
 * and lab processes end themselves when they see the broker go (selfEndDelayMs 0).
 */
function jobObjectGuard(): HostDeathGuard {
  return { pid: null, watch() {}, unwatch() {}, close() {} }
}

const lab: LabSupport = {
  broker: namedPipeBroker,
  hostDeathGuard: jobObjectGuard,
  selfEndDelayMs: 0,
  // No process groups: a run is ended through its lab processes (and, to come, its job object).
  groups: null,
  // No cheap way to ask yet (NtQuerySystemInformation would give ppid and create time): pids are
  // taken from the parent that spawned them.
  identify: null,
  runTable: () => null,
  directSocketWrites: false,
}

export const win32: Platform = {
  name: 'win32',
  title: 'Windows',
  hasFork: false,
  hasAppMenu: false,
  appOutlivesWindows: false,
  shortcutKey: 'Ctrl',
  electronChildrenUseHelper: false,
  // One NtQuerySystemInformation(SystemProcessInformation) call per sample, as System Informer
  // reads the table. systeminformation, the fallback, starts PowerShell each time and leaves state,
  // user and threads empty.
  processes: nativeOrFallback({
    native: () => windowsNativeTable(),
    fallback: () => siTable({ shape: WINDOWS_SI_SHAPE, title: 'Windows', parentReader: parentsFromSample }),
  }),
  userName: accountName,
  signals,
  exits,
  lab,
  // The roaming application data folder, where Electron's userData is too.
  dataFolders: (env = process.env, home = homedir()) => foldersIn(path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), APP_FOLDER), 'win32'),
  formerDataFolders: () => [],
}
