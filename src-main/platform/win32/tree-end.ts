// Ending a whole tree on Windows, from the caller's process table rather than `taskkill /T` (which
// Wine lacks, and which follows a parent pid even after Windows has given it to a new process).
// Windows never hands an orphan to a new parent: a table's parent pid may name a process that
// ended long ago, and that pid may now belong to an unrelated, younger process. So each process is
// opened first and ended only if it is younger than the parent the table names; the handles stay
// open until the end, so no pid of the tree can be reused while the walk goes on.
import type { SignalName, SignalOutcome } from '../../../src-shared/contract'
import { failure, MonitorError } from '../errors'
import type { TreeWalk } from '../types'
import { terminationCode } from './exit-codes'
import { PROCESS_QUERY_LIMITED_INFORMATION, PROCESS_TERMINATE, SYNCHRONIZE, type Handle } from './native'
import { closeHandle, creationTime, openProcess, terminate } from './process-handle'
import { asMonitorError } from './terminate'

/** As on POSIX: a new child may appear between a scan and its parent's end; scans stop when one finds nothing new. */
const MAX_SCANS = 5
const ACCESS = PROCESS_TERMINATE | PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE

interface Opened {
  handle: Handle
  /** µs since 1970. */
  created: number
}

/**
 * Ends `root` and what the table shows below it, top-down, each with the termination code of
 * `signal` (SIGTERM and SIGKILL are the same hard end here). A parent is ended before its
 * children, so it starts no new ones; the table is read again for any started meanwhile.
 */
export async function endTreeByTable(root: number, signal: SignalName, tree: TreeWalk): Promise<SignalOutcome[]> {
  const opened = new Map<number, Opened>()
  const outcomes = new Map<number, SignalOutcome>()
  const order: number[] = []
  try {
    for (let scan = 0; scan < MAX_SCANS; scan++) {
      const found = tree.scan()
      if (found === null && scan === 0) throw new MonitorError('not-found', `no process ${root}`)
      const fresh = (found ?? []).filter((pid) => !outcomes.has(pid))
      if (scan > 0 && fresh.length === 0) break
      for (const pid of fresh) {
        order.push(pid)
        outcomes.set(pid, endOne(pid, root, signal, tree, opened))
      }
    }
  } finally {
    for (const { handle } of opened.values()) closeHandle(handle)
  }
  return order.map((pid) => outcomes.get(pid)!)
}

function endOne(pid: number, root: number, signal: SignalName, tree: TreeWalk, opened: Map<number, Opened>): SignalOutcome {
  try {
    tree.check(pid)
    const handle = openProcess(pid, ACCESS)
    const self: Opened = { handle, created: creationTime(handle) }
    opened.set(pid, self)
    if (pid !== root) refuseIfNotChild(pid, self, tree.parentOf(pid), opened)
    terminate(handle, terminationCode(signal), pid)
    return { pid, ok: true }
  } catch (error) {
    return failure(pid, asMonitorError(error, pid, signal))
  }
}

/** Throws 'refused' unless the parent the table names was opened here (it is in the tree) and is older than `pid`. */
function refuseIfNotChild(pid: number, self: Opened, parent: number | null, opened: Map<number, Opened>): void {
  const known = parent === null ? undefined : opened.get(parent)
  if (known === undefined) throw new MonitorError('refused', `pid ${pid} was not ended: its parent pid ${parent ?? '?'} could not be checked, so it may not belong to the tree`)
  if (self.created < known.created) {
    throw new MonitorError('refused', `pid ${pid} was not ended: it started before pid ${parent}, which the table names as its parent, so that pid was reused and ${pid} is not part of the tree`)
  }
}
