import type { SignalName, SignalOutcome } from '../../src-shared/contract'
import { platform as currentPlatform, type Platform } from '../platform'
import { descendantsTopDown, type ParentTable } from './process-parents'
import { checkSignalTarget } from './signals'
import type { SignalGuard } from './types'

/**
 * Sends `signal` to `root` and all its descendants (by ppid), the way the OS allows (POSIX: stop,
 * signal, continue; Windows: top-down, each process checked to be younger than its parent; see
 * platform's sendToTree). The root must pass the safety checks (else it throws MonitorError: a
 * thread's id among them, see checkSignalTarget); each descendant is checked the same way and its
 * refusal or failure is reported in its outcome, never thrown. Outcomes are in top-down order, the root first. The tree
 * of a protected process (the host with its lab) is never walked into.
 */
export async function signalTree(root: number, signal: SignalName, guard: SignalGuard, readParents: () => ParentTable, os: Platform = currentPlatform): Promise<SignalOutcome[]> {
  checkSignalTarget(root, signal, guard, os)
  const protectedPids = new Set([process.pid, ...guard.protectedPids])
  let parents: ParentTable = new Map()
  return os.signals.sendToTree(root, signal, {
    scan: () => {
      parents = readParents()
      return parents.has(root) ? descendantsTopDown(root, parents, protectedPids) : null
    },
    parentOf: (pid) => parents.get(pid) ?? null,
    check: (pid) => checkSignalTarget(pid, signal, guard, os),
  })
}
