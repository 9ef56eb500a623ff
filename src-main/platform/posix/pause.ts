// Pausing a run on POSIX: SIGSTOP cannot be caught or ignored, so a stopped process runs no code
// at all (a busy loop included) and costs no CPU until SIGCONT. The run's process group takes one
// kill(2); the pids named besides it are those that left the group (setsid, a detached child).
import { signalIfThere } from '../deliver'
import type { RunPausing } from '../types'

export const posixPausing: RunPausing = {
  pause: (group, pids) => each(group, pids, 'SIGSTOP'),
  resume: (group, pids) => each(group, pids, 'SIGCONT'),
  // A stopped process keeps a catchable signal pending until it runs again: continue it so it can
  // act on it (SIGKILL needs no help: the kernel ends a stopped process at once).
  needsContinueAfter: (signal) => signal !== 'SIGKILL' && signal !== 'SIGSTOP',
}

function each(group: number | null, pids: readonly number[], signal: NodeJS.Signals): void {
  if (group !== null) signalIfThere(-group, signal)
  for (const pid of pids) signalIfThere(pid, signal)
}
