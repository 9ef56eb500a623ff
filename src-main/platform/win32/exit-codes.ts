// How a process ProcLab ended on Windows still tells which signal ended it: Windows has no
// signals, only TerminateProcess with an exit code, so the code carries the signal's number.
import { signalExits } from '../exits'
import type { ExitMapping } from '../types'

/** Node's signal numbers on Windows (its os.constants.signals there), so Windows' rules test anywhere. */
export const SIGNAL_NUMBERS: Readonly<Partial<Record<NodeJS.Signals, number>>> = { SIGHUP: 1, SIGINT: 2, SIGILL: 4, SIGFPE: 8, SIGKILL: 9, SIGSEGV: 11, SIGTERM: 15, SIGBREAK: 21, SIGABRT: 22, SIGWINCH: 28 }

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

const numbered = signalExits(SIGNAL_NUMBERS)

/**
 * A child Node itself killed (ChildProcess.kill) comes with its signal, as on POSIX. Any other
 * end is an exit code: one of ProcLab's termination codes reads as the signal it stands for
 * (Python's own TERMINATED as SIGTERM), anything else as the code it is.
 */
export const windowsExits: ExitMapping = {
  signalNumber: numbered.signalNumber,
  fromNode(code, signal) {
    if (code !== null && signal === null && code >= TERMINATED && code <= TERMINATED + MAX_SIGNAL) {
      const number = code === TERMINATED ? SIGNAL_NUMBERS.SIGTERM! : code - TERMINATED
      return { exitCode: -number, signal: signalNamed(number) }
    }
    return numbered.fromNode(code, signal)
  },
}
