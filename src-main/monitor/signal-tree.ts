import { execFile } from 'node:child_process'
import type { SignalName, SignalOutcome } from '../../src-shared/contract'
import { MonitorError } from './errors'
import { descendantsTopDown, type ParentTable } from './process-parents'
import { checkSignalTarget, deliverSignal } from './signals'
import type { SignalGuard } from './types'

/**
 * How often the tree is scanned again after stopping what was found: a process may have forked
 * between the scan and its SIGSTOP. Each round stops what it finds, so a second scan rarely finds
 * anything; a fork bomb faster than this gives up, leaving what it found signalled.
 */
const MAX_SCANS = 5

function failure(pid: number, err: unknown): SignalOutcome {
  if (err instanceof MonitorError) return { pid, ok: false, code: err.code, error: err.message }
  return { pid, ok: false, code: 'failed', error: err instanceof Error ? err.message : String(err) }
}

/**
 * Sends `signal` to `root` and all its descendants (by ppid). POSIX: SIGSTOP the tree top-down
 * first, rescanning until no new child appears, so nothing can respawn a process we just ended;
 * then the signal to every stopped process; then SIGCONT, so a SIGTERM/SIGINT/SIGHUP is delivered
 * (a stopped process only acts on it when continued). The root must pass the safety checks (else it
 * throws MonitorError: a thread's id among them, see checkSignalTarget); each descendant is checked
 * the same way and its refusal or failure is reported in its outcome, never thrown. Outcomes are in
 * top-down order, the root first.
 */
export async function signalTree(root: number, signal: SignalName, guard: SignalGuard, readParents: () => ParentTable, platform: NodeJS.Platform = process.platform): Promise<SignalOutcome[]> {
  checkSignalTarget(root, signal, guard, platform)
  if (platform === 'win32') return [await taskkillTree(root, signal)]
  const protectedPids = new Set([process.pid, ...guard.protectedPids])
  const outcomes = new Map<number, SignalOutcome>()
  const order: number[] = []
  const frozen: number[] = []
  // Freezing first matters for signals that end; for SIGCONT it would only be undone.
  const freeze = signal !== 'SIGCONT'
  for (let scan = 0; scan < MAX_SCANS; scan++) {
    const parents = readParents()
    if (scan === 0 && !parents.has(root)) throw new MonitorError('not-found', `no process ${root}`)
    const fresh = descendantsTopDown(root, parents, protectedPids).filter((pid) => !outcomes.has(pid))
    if (scan > 0 && fresh.length === 0) break
    for (const pid of fresh) {
      order.push(pid)
      outcomes.set(pid, prepare(pid, signal, guard, platform, freeze, frozen))
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
function prepare(pid: number, signal: SignalName, guard: SignalGuard, platform: NodeJS.Platform, freeze: boolean, frozen: number[]): SignalOutcome {
  try {
    checkSignalTarget(pid, signal, guard, platform)
    if (freeze) {
      deliverSignal(pid, 'SIGSTOP')
      frozen.push(pid)
    }
    return { pid, ok: true }
  } catch (err) {
    return failure(pid, err)
  }
}

/**
 * Windows has no process groups to freeze and no signals: `taskkill /T` ends the tree the kernel
 * records (parent pids), `/F` because console programs ignore the polite WM_CLOSE. Untested here
 * (this project's CI machine for it is Windows); the outcome is the root's, with taskkill's words.
 */
function taskkillTree(root: number, signal: SignalName): Promise<SignalOutcome> {
  return new Promise((resolve) => {
    execFile('taskkill', ['/T', '/F', '/PID', String(root)], { windowsHide: true, timeout: 15_000 }, (error, _stdout, stderr) => {
      if (!error) resolve({ pid: root, ok: true })
      else resolve({ pid: root, ok: false, code: 'failed', error: `taskkill could not end the tree of pid ${root} (${signal}): ${String(stderr).trim() || error.message}` })
    })
  })
}
