// Windows' guard against the host's death, and its stand-in for a run's process group: each run's
// lab main is put in a job object of its own, made with JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, whose
// one handle the host holds. Everything the lab main starts joins the job at birth (lab processes
// spawn their children `detached`, which keeps them out of libuv's own kill-on-close job, but not
// out of this one: libuv never asks CREATE_BREAKAWAY_FROM_JOB, and this job allows no breakaway).
// So an orphan outlives its parent, and when the host dies, however it dies, the kernel closes the
// handle and ends the whole run. TerminateJobObject ends a run at once, orphans and raw OS
// children included, with the exit code that names the signal.
import { exists as processExists } from '../deliver'
import type { HostDeathGuard, ProcessGroups } from '../types'
import { terminationCode } from './exit-codes'
import { kernel32, PROCESS_QUERY_INFORMATION, PROCESS_SET_QUOTA, PROCESS_TERMINATE, type Handle } from './native'
import { withProcess, WindowsError } from './process-handle'
import { endProcessIfThere } from './terminate'

const JobObjectBasicAccountingInformation = 1
const JobObjectExtendedLimitInformation = 9
const JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x2000
/** JOBOBJECT_EXTENDED_LIMIT_INFORMATION's size (SIZE_T fields: 144 bytes on 64-bit Windows, 112 on 32-bit); LimitFlags follows two 64-bit times. */
const EXTENDED_LIMIT_SIZE = process.arch === 'ia32' ? 112 : 144
const LIMIT_FLAGS_AT = 16
/** JOBOBJECT_BASIC_ACCOUNTING_INFORMATION: four 64-bit times, then counts; ActiveProcesses is the seventh field. */
const ACCOUNTING_SIZE = 48
const ACTIVE_PROCESSES_AT = 40

/** The job of each watched run, by its lab main's pid (the pid stays the run's key after the lab main has ended). */
const runJobs = new Map<number, Handle>()

/** A new job that ends its processes when its last handle closes. */
function killOnCloseJob(): Handle {
  const k = kernel32()
  const job = k.CreateJobObjectW(null, null)
  if (!job) throw new WindowsError(k.GetLastError(), 'CreateJobObjectW')
  const limits = Buffer.alloc(EXTENDED_LIMIT_SIZE)
  limits.writeUInt32LE(JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, LIMIT_FLAGS_AT)
  if (!k.SetInformationJobObject(job, JobObjectExtendedLimitInformation, limits, limits.length)) {
    const error = new WindowsError(k.GetLastError(), 'SetInformationJobObject')
    k.CloseHandle(job)
    throw error
  }
  return job
}

function assign(job: Handle, pid: number): void {
  withProcess(pid, PROCESS_SET_QUOTA | PROCESS_TERMINATE, (process) => {
    const k = kernel32()
    if (!k.AssignProcessToJobObject(job, process)) throw new WindowsError(k.GetLastError(), `AssignProcessToJobObject(${pid})`)
  })
}

/** How many processes of the job are running. */
function activeProcesses(job: Handle): number {
  const k = kernel32()
  const info = Buffer.alloc(ACCOUNTING_SIZE)
  if (!k.QueryInformationJobObject(job, JobObjectBasicAccountingInformation, info, info.length, null)) throw new WindowsError(k.GetLastError(), 'QueryInformationJobObject')
  return info.readUInt32LE(ACTIVE_PROCESSES_AT)
}

/** Whether `pid` is in the run job of `leader`: what Windows has for "in the lab main's process group". */
export function inRunJob(pid: number, leader: number): boolean {
  const job = runJobs.get(leader)
  if (job === undefined) return false
  try {
    return withProcess(pid, PROCESS_QUERY_INFORMATION, (process) => {
      const result = Buffer.alloc(4)
      return kernel32().IsProcessInJob(process, job, result) !== 0 && result.readInt32LE(0) !== 0
    })
  } catch {
    return false
  }
}

/** The lab main whose run job holds `pid`, or 0 (a process in no run). */
export function runLeaderOf(pid: number): number {
  for (const leader of runJobs.keys()) if (inRunJob(pid, leader)) return leader
  return 0
}

/**
 * This host's guard: a job per watched run. Where native calls are unavailable (koffi did not
 * load) it says so once and does nothing: lab processes then end themselves when they see the
 * broker go (a busy one cannot).
 */
export function runJobGuard(onTrouble: (message: string) => void): HostDeathGuard {
  const watched = new Set<number>()
  let usable = true
  try {
    kernel32()
  } catch (error) {
    usable = false
    onTrouble(`no guard against ProcLab's own death: ${error instanceof Error ? error.message : String(error)}; lab processes end themselves when they see ProcLab go`)
  }
  const unwatch = (leader: number): void => {
    const job = runJobs.get(leader)
    if (job === undefined || !watched.delete(leader)) return
    runJobs.delete(leader)
    // Closing the last handle ends whatever of the run is still in it.
    kernel32().CloseHandle(job)
  }
  return {
    pid: null,
    watch(leader) {
      if (!usable) return
      let job: Handle | null = null
      try {
        job = killOnCloseJob()
        assign(job, leader)
        runJobs.set(leader, job)
        watched.add(leader)
      } catch (error) {
        if (job !== null) kernel32().CloseHandle(job)
        onTrouble(`the run of pid ${leader} has no job object, so ProcLab's death would not end it: ${error instanceof Error ? error.message : String(error)}`)
      }
    },
    unwatch,
    close() {
      for (const leader of [...watched]) unwatch(leader)
    },
  }
}

/**
 * A run's job as its process group: one call ends every process in it (the termination code
 * naming the signal), and the job counts the ones still running. A run without a job (the guard
 * could not make one) is reached through its lab main alone, as before there were jobs.
 */
export const runJobGroups: ProcessGroups = {
  signal(leader, signal) {
    const job = runJobs.get(leader)
    if (job === undefined) return endProcessIfThere(leader, signal)
    // A job whose processes have all ended is no failure.
    kernel32().TerminateJobObject(job, terminationCode(signal))
  },
  exists(leader) {
    const job = runJobs.get(leader)
    if (job === undefined) return processExists(leader)
    try {
      return activeProcesses(job) > 0
    } catch {
      return processExists(leader)
    }
  },
}
