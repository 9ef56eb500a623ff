import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process'

/** Whether a process with this pid exists (a zombie counts: it has not been reaped yet). */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/**
 * A process that only waits, for `seconds`: Node itself, which every OS the tests run on has (Windows has
 * no `sleep`). Throws when it could not be started, rather than leave a pid of undefined to be signalled.
 */
export function spawnIdle(seconds: number, options: SpawnOptions = {}): ChildProcess & { pid: number } {
  const child = spawn(process.execPath, ['-e', `setTimeout(() => {}, ${seconds * 1000})`], { stdio: 'ignore', ...options })
  if (child.pid === undefined) {
    child.on('error', () => {}) // reported by the throw below, not as an uncaught error later
    throw new Error(`could not start ${process.execPath} to wait ${seconds} s`)
  }
  return child as ChildProcess & { pid: number }
}
