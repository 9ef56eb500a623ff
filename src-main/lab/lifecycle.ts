// Who am I, who started me, whom did I start: Python's current_process(), parent_process(),
// active_children(), and the rule for children when a process's work is done.
import { labContext } from './context'
import type { Process } from './process'
import { watchWait } from './waits'
import { WAIT_REPORT_MS } from '../../src-shared/events'

/** The process that started the current one, as Python's parent_process() describes it. */
export interface ParentProcess {
  readonly name: string
  readonly pid: number
  isAlive(): boolean
}

export function currentProcess(): Process {
  return labContext().self
}

/** null in the lab main, as in Python's main process. */
export function parentProcess(): ParentProcess | null {
  const parent = labContext().parent
  if (!parent) return null
  return { name: parent.name, pid: parent.pid, isAlive: () => pidExists(parent.pid) }
}

/** Children of the current process that are still running. */
export function activeChildren(): Process[] {
  return [...labContext().children].filter((child) => child.isAlive())
}

const atEnd = new Set<() => void>()

/** Runs `end` when this process's work is done, before its children are ended (a Pool terminates there, as in Python). */
export function onEndChildren(end: () => void): () => void {
  atEnd.add(end)
  return () => atEnd.delete(end)
}

/**
 * What happens when a process's main or run() returns (Python's _exit_function): daemonic
 * children are terminated, then every child is waited for.
 */
export async function endChildren(): Promise<void> {
  // Pools first: a pool whose worker is terminated below would otherwise start a new one.
  for (const end of [...atEnd]) end()
  const running = activeChildren()
  for (const child of running) if (child.daemon) child.terminate()
  for (const child of running) await child.join()
}

export function sleep(ms: number): Promise<void> {
  if (typeof ms !== 'number' || Number.isNaN(ms) || ms < 0) throw new TypeError(`sleep(ms) needs a non-negative number of milliseconds, got ${String(ms)}`)
  const slept = new Promise<void>((resolve) => setTimeout(resolve, ms))
  // A sleep too short to be reported costs no second timer.
  return ms < WAIT_REPORT_MS ? slept : watchWait({ on: 'sleep', timeoutMs: ms }, slept)
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
