// What the POSIX systems share: ProcLab's Linux, macOS and other-Unix modules are built from these.
import { posix } from 'node:path'
import type { SignalName } from '../../src-shared/contract'
import { deliverSignal, exists, signalIfThere } from './deliver'
import { signalExits } from './exits'
import { APP_FOLDER, foldersIn, xdgBase } from './folders'
import { narrowSocket, privateSocketAddress, removeBrokerDir } from './posix/broker-dir'
import { posixPausing } from './posix/pause'
import { freezeThenSignal } from './posix/tree-end'
import { startShellWatchdog } from './posix/watchdog'
import type { BrokerSupport, DataFolders, ExitMapping, LabSupport, OsProcess, ProcessGroups, ProcessRow, SignalSupport, UnreapedSpawning } from './types'

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
  return { available: POSIX_SIGNALS, processOf, send: deliverSignal, sendIfThere: signalIfThere, sendToTree: freezeThenSignal }
}

/** Exit codes with the running kernel's signal numbers (they differ between Linux and macOS past the common ones). */
export const posixExits: ExitMapping = signalExits()

/** kill(2) of a negative pid reaches the whole group. */
export const posixGroups: ProcessGroups = {
  signal: (group, signal) => signalIfThere(-group, signal),
  exists: (group) => exists(-group),
}

/** A Unix socket in a private directory. */
export const privateSocketBroker: BrokerSupport = {
  address: privateSocketAddress,
  listening: narrowSocket,
  release: (address) => {
    if (address.dir) removeBrokerDir(address.dir)
  },
}

/**
 * How long a lab process that notices the host's death leaves the watchdog to act first: it finds
 * a process that left the run's group (setsid, `detached: true`) only below a parent that is still
 * there, so the lab processes must not all end themselves at once.
 */
const WATCHDOG_FIRST_MS = 500

/** The lab's needs on POSIX; what differs between them is how pids are checked and the table read. */
export function posixLab(pids: { identify: ((pid: number) => OsProcess | null) | null; runTable: () => ProcessRow[] | null }, unreaped: UnreapedSpawning | null = null): LabSupport {
  return {
    broker: privateSocketBroker,
    hostDeathGuard: startShellWatchdog,
    selfEndDelayMs: WATCHDOG_FIRST_MS,
    // A detached child would lead a session of its own, out of the run's process group.
    detachedChildren: false,
    groups: posixGroups,
    identify: pids.identify,
    runTable: pids.runTable,
    directSocketWrites: true,
    unreaped,
    reparentsOrphans: true,
    pausing: posixPausing,
  }
}
