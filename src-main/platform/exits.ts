// How a process's end is reported: Python's multiprocessing convention, exitcode = the code, or
// minus the number of the signal that ended it.
import { constants } from 'node:os'
import type { ExitMapping, ExitStatus } from './types'

/** The mapping from Node's ('exit', code, signal) with the given signal numbers (the running OS's by default). */
export function signalExits(numbers: Readonly<Partial<Record<NodeJS.Signals, number>>> = constants.signals): ExitMapping {
  const signalNumber = (signal: NodeJS.Signals): number | null => numbers[signal] ?? null
  return {
    signalNumber,
    fromNode(code, signal): ExitStatus {
      if (code !== null) return { exitCode: code, signal }
      // Node gives a code or a signal, never neither, and only signals the OS has: 0 is a formality.
      const number = signal === null ? null : signalNumber(signal)
      return { exitCode: number === null ? 0 : -number, signal }
    },
  }
}
