// Ending a tree on Windows, where there are no process groups to freeze and no signals.
import { execFile } from 'node:child_process'
import type { SignalName, SignalOutcome } from '../../../src-shared/contract'

/**
 * `taskkill /T` ends the tree the kernel records (parent pids), `/F` because console programs
 * ignore the polite WM_CLOSE. The outcome is the root's, with taskkill's words. (The job object
 * that issue 13 gives each run will end a run's tree without it; this stays for the System tab.)
 */
export function taskkillTree(root: number, signal: SignalName): Promise<SignalOutcome> {
  return new Promise((resolve) => {
    execFile('taskkill', ['/T', '/F', '/PID', String(root)], { windowsHide: true, timeout: 15_000 }, (error, _stdout, stderr) => {
      if (!error) resolve({ pid: root, ok: true })
      else resolve({ pid: root, ok: false, code: 'failed', error: `taskkill could not end the tree of pid ${root} (${signal}): ${String(stderr).trim() || error.message}` })
    })
  })
}
