// The few Windows calls ProcLab makes that Node lacks (processes by handle, job objects), bound
// through koffi on first use: every lab process loads platform/, and only the host and the
// monitor's tree end ever call these. Handles are opaque pointers (`void *` to koffi).
import { loadLibrary } from '../koffi'

/** A kernel object handle as koffi passes it around: opaque, null when a call failed. */
export type Handle = unknown

export interface Kernel32 {
  OpenProcess(access: number, inherit: number, pid: number): Handle | null
  CloseHandle(handle: Handle): number
  TerminateProcess(process: Handle, exitCode: number): number
  WaitForSingleObject(handle: Handle, ms: number): number
  GetProcessTimes(process: Handle, creation: Buffer, exit: Buffer, kernel: Buffer, user: Buffer): number
  CreateJobObjectW(attributes: null, name: null): Handle | null
  SetInformationJobObject(job: Handle, infoClass: number, info: Buffer, length: number): number
  QueryInformationJobObject(job: Handle, infoClass: number, info: Buffer, length: number, returned: null): number
  AssignProcessToJobObject(job: Handle, process: Handle): number
  TerminateJobObject(job: Handle, exitCode: number): number
  IsProcessInJob(process: Handle, job: Handle, result: Buffer): number
  /** Valid right after a failed call: koffi keeps each call's last error for the next (see its abi_x64_win.cc). */
  GetLastError(): number
}

export interface Ntdll {
  /** An NTSTATUS: 0 is success. */
  NtQueryInformationProcess(process: Handle, infoClass: number, info: Buffer, length: number, returned: null): number
  /** Suspends every thread of the process (pausing a run, issue 17); an NTSTATUS. */
  NtSuspendProcess(process: Handle): number
  NtResumeProcess(process: Handle): number
}

let kernel: Kernel32 | null = null
let nt: Ntdll | null = null

/** kernel32's calls; throws (koffi's reason) where native calls are unavailable. */
export function kernel32(): Kernel32 {
  if (kernel) return kernel
  const lib = loadLibrary('kernel32.dll')
  kernel = {
    OpenProcess: lib.func('void *__stdcall OpenProcess(uint32_t access, int inherit, uint32_t pid)'),
    CloseHandle: lib.func('int __stdcall CloseHandle(void *handle)'),
    TerminateProcess: lib.func('int __stdcall TerminateProcess(void *process, uint32_t exitCode)'),
    WaitForSingleObject: lib.func('uint32_t __stdcall WaitForSingleObject(void *handle, uint32_t ms)'),
    GetProcessTimes: lib.func('int __stdcall GetProcessTimes(void *process, void *creation, void *exit, void *kernel, void *user)'),
    CreateJobObjectW: lib.func('void *__stdcall CreateJobObjectW(void *attributes, const char16_t *name)'),
    SetInformationJobObject: lib.func('int __stdcall SetInformationJobObject(void *job, int infoClass, void *info, uint32_t length)'),
    QueryInformationJobObject: lib.func('int __stdcall QueryInformationJobObject(void *job, int infoClass, void *info, uint32_t length, void *returned)'),
    AssignProcessToJobObject: lib.func('int __stdcall AssignProcessToJobObject(void *job, void *process)'),
    TerminateJobObject: lib.func('int __stdcall TerminateJobObject(void *job, uint32_t exitCode)'),
    IsProcessInJob: lib.func('int __stdcall IsProcessInJob(void *process, void *job, void *result)'),
    GetLastError: lib.func('uint32_t __stdcall GetLastError()'),
  } as Kernel32
  return kernel
}

/** Whether koffi loaded, so these calls can be made (asked when first needed, never at load). */
export function nativeCallsAvailable(): boolean {
  try {
    kernel32()
    return true
  } catch {
    return false
  }
}

/** ntdll's calls: a process's parent pid (which kernel32 gives only through a snapshot of every process), and suspending a process. */
export function ntdll(): Ntdll {
  if (nt) return nt
  const lib = loadLibrary('ntdll.dll')
  nt = {
    NtQueryInformationProcess: lib.func('int32_t __stdcall NtQueryInformationProcess(void *process, int infoClass, void *info, uint32_t length, void *returned)'),
    NtSuspendProcess: lib.func('int32_t __stdcall NtSuspendProcess(void *process)'),
    NtResumeProcess: lib.func('int32_t __stdcall NtResumeProcess(void *process)'),
  } as Ntdll
  return nt
}

// Access rights (winnt.h) and the codes ProcLab tells apart (winerror.h, winbase.h).
export const PROCESS_TERMINATE = 0x0001
export const PROCESS_SET_QUOTA = 0x0100
export const PROCESS_SUSPEND_RESUME = 0x0800
/** Not the _LIMITED_ right: Wine 8 refuses IsProcessInJob with that one (ERROR_ACCESS_DENIED). */
export const PROCESS_QUERY_INFORMATION = 0x0400
export const PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
export const SYNCHRONIZE = 0x00100000
export const ERROR_ACCESS_DENIED = 5
export const ERROR_INVALID_PARAMETER = 87
export const WAIT_OBJECT_0 = 0
