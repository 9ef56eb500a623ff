// What the POSIX systems share: ProcLab's Linux, macOS and other-Unix modules are built from these.
import { posix } from 'node:path'
import type { SignalName } from '../../src-shared/contract'
import { deliverSignal } from './deliver'
import { signalExits } from './exits'
import { APP_FOLDER, foldersIn, xdgBase } from './folders'
import { freezeThenSignal } from './posix/tree-end'
import type { DataFolders, ExitMapping, SignalSupport } from './types'

/** Data under $XDG_DATA_HOME (default ~/.local/share): Linux and the other Unixes that follow XDG. */
export function xdgDataFolders(env: NodeJS.ProcessEnv, home: string): DataFolders {
  return foldersIn(posix.join(xdgBase(env, 'XDG_DATA_HOME', home, '.local/share'), APP_FOLDER), 'posix')
}

/**
 * Every signal the contract names (spelled out here: the contract's module loads zod, too heavy
 * for every lab process; the type below fails to compile if the lists part).
 */
export const POSIX_SIGNALS = ['SIGTERM', 'SIGKILL', 'SIGINT', 'SIGHUP', 'SIGSTOP', 'SIGCONT'] as const satisfies readonly SignalName[]
const _everySignal: Exclude<SignalName, (typeof POSIX_SIGNALS)[number]> extends never ? true : never = true

/**
 * Every signal of the contract, by kill(2); a tree is stopped, signalled and continued.
 * `processOf`: where a thread's id may be given for a process (Linux), the process it belongs to.
 */
export function posixSignals(processOf: (pid: number) => number = (pid) => pid): SignalSupport {
  return { available: POSIX_SIGNALS, processOf, send: deliverSignal, sendToTree: freezeThenSignal }
}

/** Exit codes with the running kernel's signal numbers (they differ between Linux and macOS past the common ones). */
export const posixExits: ExitMapping = signalExits()
