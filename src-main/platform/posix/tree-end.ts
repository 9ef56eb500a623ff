// A signal to a whole tree on POSIX, without a window in which the tree can grow behind it.
import type { SignalName, SignalOutcome } from '../../../src-shared/contract'
import { deliverSignal } from '../deliver'
import { failure, MonitorError } from '../errors'
import type { TreeWalk } from '../types'

/**
 * How often the tree is scanned again after stopping what was found: a process may have forked
 * between the scan and its SIGSTOP. Each round stops what it finds, so a second scan rarely finds
 * anything; a fork bomb faster than this gives up, leaving what it found signalled.
 */
const MAX_SCANS = 5

/**
 * SIGSTOP the tree top-down first, rescanning until no new child appears, so nothing can respawn
 * a process we just ended; then the signal to every stopped process; then SIGCONT, so a
 * SIGTERM/SIGINT/SIGHUP is delivered (a stopped process only acts on it when continued). Each
 * process is checked by `tree.check` and its refusal or failure is reported in its outcome.
 */
export async function freezeThenSignal(root: number, signal: SignalName, tree: TreeWalk): Promise<SignalOutcome[]> {
  const outcomes = new Map<number, SignalOutcome>()
  const order: number[] = []
  const frozen: number[] = []
  // Freezing first matters for signals that end; for SIGCONT it would only be undone.
  const freeze = signal !== 'SIGCONT'
  for (let scan = 0; scan < MAX_SCANS; scan++) {
    const found = tree.scan()
    if (found === null && scan === 0) throw new MonitorError('not-found', `no process ${root}`)
    const fresh = (found ?? []).filter((pid) => !outcomes.has(pid))
    if (scan > 0 && fresh.length === 0) break
    for (const pid of fresh) {
      order.push(pid)
      outcomes.set(pid, prepare(pid, tree, freeze, frozen))
    }
    if (!freeze) break
  }
  for (const pid of order) {
    if (!outcomes.get(pid)!.ok) continue
    try {
      deliverSignal(pid, signal)
    } catch (err) {
      outcomes.set(pid, failure(pid, err))
    }
  }
  if (signal !== 'SIGKILL' && signal !== 'SIGSTOP') {
    for (const pid of frozen) {
      try {
        deliverSignal(pid, 'SIGCONT')
      } catch {
        // ended by the signal already: nothing left to continue
      }
    }
  }
  return order.map((pid) => outcomes.get(pid)!)
}

/** Checks one process of the tree and, when `freeze`, stops it; the outcome says whether to signal it. */
function prepare(pid: number, tree: TreeWalk, freeze: boolean, frozen: number[]): SignalOutcome {
  try {
    tree.check(pid)
    if (freeze) {
      deliverSignal(pid, 'SIGSTOP')
      frozen.push(pid)
    }
    return { pid, ok: true }
  } catch (err) {
    return failure(pid, err)
  }
}
