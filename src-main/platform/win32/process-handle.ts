// One Windows process by handle: opened once, asked when it started and whether it runs, ended
// with an exit code. While a handle is open the process's pid cannot be given to another process,
// so what is checked through a handle stays true until it is closed.
import { MonitorError } from '../errors'
import { kernel32, ERROR_ACCESS_DENIED, ERROR_INVALID_PARAMETER, WAIT_OBJECT_0, type Handle } from './native'

/** A failed Windows call, with its error code (winerror.h) for the caller to judge. */
export class WindowsError extends Error {
  override readonly name = 'WindowsError'
  constructor(
    readonly code: number,
    what: string,
  ) {
    super(`${what} failed (Windows error ${code}${code === ERROR_ACCESS_DENIED ? ', access denied' : code === ERROR_INVALID_PARAMETER ? ', no such process' : ''})`)
  }
}

/** FILETIME counts 100 ns from 1601; this many of them lie before 1970. */
const EPOCH_1970 = 116_444_736_000_000_000n

export function openProcess(pid: number, access: number): Handle {
  const k = kernel32()
  const handle = k.OpenProcess(access, 0, pid)
  if (!handle) throw new WindowsError(k.GetLastError(), `OpenProcess(${pid})`)
  return handle
}

export function closeHandle(handle: Handle): void {
  kernel32().CloseHandle(handle)
}

/** Opens, runs `use`, closes. */
export function withProcess<T>(pid: number, access: number, use: (handle: Handle) => T): T {
  const handle = openProcess(pid, access)
  try {
    return use(handle)
  } finally {
    closeHandle(handle)
  }
}

/**
 * When the process was created, in µs since 1970 (a number: the 100 ns count since 1601 is past
 * 2^53). With the pid it names one process for good. Needs PROCESS_QUERY_LIMITED_INFORMATION.
 */
export function creationTime(handle: Handle): number {
  const k = kernel32()
  const created = Buffer.alloc(8)
  const unused = Buffer.alloc(8)
  if (!k.GetProcessTimes(handle, created, unused, unused, unused)) throw new WindowsError(k.GetLastError(), 'GetProcessTimes')
  return Number((created.readBigUInt64LE(0) - EPOCH_1970) / 10n)
}

/** Whether the process has ended (its handle is signalled); needs SYNCHRONIZE. */
export function hasExited(handle: Handle): boolean {
  return kernel32().WaitForSingleObject(handle, 0) === WAIT_OBJECT_0
}

/**
 * TerminateProcess with `exitCode`. A process that has already ended (its handle still open
 * somewhere, as its parent's is until it reads the exit) is 'not-found', as is one that ends
 * during the call (Windows answers access denied then, as libuv's uv_kill also reads it).
 */
export function terminate(handle: Handle, exitCode: number, pid: number): void {
  const k = kernel32()
  if (hasExited(handle)) throw new MonitorError('not-found', `no process ${pid}`)
  if (k.TerminateProcess(handle, exitCode)) return
  const error = k.GetLastError()
  if (error === ERROR_ACCESS_DENIED && hasExited(handle)) throw new MonitorError('not-found', `no process ${pid}`)
  throw new WindowsError(error, `TerminateProcess(${pid})`)
}
