// What Windows says about one pid now, asked through a handle: its parent (which Windows never
// changes, even after the parent has ended), its creation time, whether it has ended, and the
// run whose job holds it. The host checks a lab process's word against this, as /proc on Linux.
import type { OsProcess } from '../types'
import { ntdll, PROCESS_QUERY_INFORMATION, SYNCHRONIZE } from './native'
import { creationTime, hasExited, withProcess } from './process-handle'
import { runLeaderOf } from './run-jobs'

const ProcessBasicInformation = 0
/** PROCESS_BASIC_INFORMATION: six pointer-sized fields; the parent's pid is the last. */
const POINTER = process.arch === 'ia32' ? 4 : 8
const BASIC_INFORMATION_SIZE = 6 * POINTER

function parentPid(handle: unknown): number {
  const info = Buffer.alloc(BASIC_INFORMATION_SIZE)
  const status = ntdll().NtQueryInformationProcess(handle, ProcessBasicInformation, info, info.length, null)
  if (status !== 0) throw new Error(`NtQueryInformationProcess failed (NTSTATUS 0x${(status >>> 0).toString(16)})`)
  return POINTER === 8 ? Number(info.readBigUInt64LE(5 * POINTER)) : info.readUInt32LE(5 * POINTER)
}

/**
 * The process with this pid now, or null when there is none or it cannot be opened. `state` is Z
 * for one that has ended but is still held open (its exit code waits to be read, like a zombie's).
 * `pgrp` is the lab main whose run job holds it, 0 for none. `startTime` is µs since 1970.
 */
export function identifyProcess(pid: number): OsProcess | null {
  try {
    return withProcess(pid, PROCESS_QUERY_INFORMATION | SYNCHRONIZE, (handle) => ({
      ppid: parentPid(handle),
      pgrp: runLeaderOf(pid),
      startTime: creationTime(handle),
      state: hasExited(handle) ? 'Z' : 'R',
    }))
  } catch {
    return null
  }
}
