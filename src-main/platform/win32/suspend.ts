// Pausing a run on Windows, which has no SIGSTOP: ntdll's NtSuspendProcess suspends every thread
// of a process (as Process Explorer's Suspend does), NtResumeProcess undoes it. Both are counted
// per thread, so a process is suspended once per pause and resumed once per resume. There is no
// group call: each process the run knows is suspended on its own (the run's job cannot list its
// members without another call per process anyway). TerminateProcess ends a suspended process.
import type { RunPausing } from '../types'
import { nativeCallsAvailable, ntdll, PROCESS_SUSPEND_RESUME } from './native'
import { withProcess } from './process-handle'

export const windowsPausing: RunPausing = {
  pause: (_group, pids) => {
    // Said plainly rather than a pause that stops nothing.
    if (!nativeCallsAvailable()) throw new Error('a run cannot be paused here: native calls are unavailable (koffi did not load), and Windows has no other way to suspend a process')
    each(pids, 'suspend')
  },
  resume: (_group, pids) => each(pids, 'resume'),
  // TerminateProcess needs nothing from the process itself: suspended or not, it ends.
  needsContinueAfter: () => false,
}

function each(pids: readonly number[], what: 'suspend' | 'resume'): void {
  for (const pid of pids) {
    try {
      suspendOrResume(pid, what)
    } catch {
      // Gone meanwhile, or not ours: as kill(2) of a pid that has gone.
    }
  }
}

/** NtSuspendProcess or NtResumeProcess of one process; throws with the NTSTATUS when it fails. */
export function suspendOrResume(pid: number, what: 'suspend' | 'resume'): void {
  withProcess(pid, PROCESS_SUSPEND_RESUME, (handle) => {
    const nt = ntdll()
    const status = what === 'suspend' ? nt.NtSuspendProcess(handle) : nt.NtResumeProcess(handle)
    if (status !== 0) throw new Error(`Nt${what === 'suspend' ? 'Suspend' : 'Resume'}Process(${pid}) failed (NTSTATUS 0x${(status >>> 0).toString(16)})`)
  })
}
