// What macOS's libproc answers about one process, read through a DataView: proc_pidinfo with
// PROC_PIDTASKALLINFO (a proc_bsdinfo and a proc_taskinfo, for processes we may inspect) or
// PROC_PIDT_SHORTBSDINFO (pid, parent, status, name and uid, for everyone's). Pure, so tested on
// any OS from fixture bytes. Layouts from XNU's bsd/sys/proc_info.h, the same on x86_64 and arm64
// (no pointers, natural alignment):
//
//   struct proc_bsdinfo (136 bytes)
//   0   uint32 pbi_flags        4   uint32 pbi_status      8   uint32 pbi_xstatus
//   12  uint32 pbi_pid          16  uint32 pbi_ppid        20  uid_t pbi_uid     24 gid_t pbi_gid
//   28  uid_t pbi_ruid          32  gid_t pbi_rgid         36  uid_t pbi_svuid   40 gid_t pbi_svgid
//   44  uint32 rfu_1            48  char pbi_comm[16]      64  char pbi_name[32] (empty unless set)
//   96  uint32 pbi_nfiles       100 uint32 pbi_pgid        104 uint32 pbi_pjobc
//   108 uint32 e_tdev           112 uint32 e_tpgid         116 int32 pbi_nice
//   120 uint64 pbi_start_tvsec  128 uint64 pbi_start_tvusec
//
//   struct proc_taskinfo (96 bytes), right after it in proc_taskallinfo
//   0  uint64 pti_virtual_size  8  uint64 pti_resident_size
//   16 uint64 pti_total_user    24 uint64 pti_total_system   (mach absolute time units: ns on
//                                                              Intel, 125/3 ns on Apple silicon)
//   32 uint64 pti_threads_user  40 uint64 pti_threads_system
//   48 int32 pti_policy, pti_faults, pti_pageins, pti_cow_faults, pti_messages_sent,
//      pti_messages_received, pti_syscalls_mach, pti_syscalls_unix, pti_csw
//   84 int32 pti_threadnum      88 int32 pti_numrunning      92 int32 pti_priority
//
//   struct proc_bsdshortinfo (64 bytes)
//   0  uint32 pbsi_pid   4 pbsi_ppid   8 pbsi_pgid   12 pbsi_status   16 char pbsi_comm[16]
//   32 uint32 pbsi_flags 36 uid_t pbsi_uid  40 pbsi_gid  44 pbsi_ruid  48 pbsi_rgid
//   52 pbsi_svuid        56 pbsi_svgid      60 pbsi_rfu
import type { ProcessState } from '../../../src-shared/contract'

export const BSD_INFO = {
  size: 136,
  status: 4,
  pid: 12,
  ppid: 16,
  uid: 20,
  comm: 48,
  name: 64,
  pgid: 100,
  nice: 116,
  startSec: 120,
  startUsec: 128,
} as const

export const TASK_INFO = {
  size: 96,
  residentSize: 8,
  totalUser: 16,
  totalSystem: 24,
  threadCount: 84,
  runningThreads: 88,
} as const

export const SHORT_BSD_INFO = {
  size: 64,
  pid: 0,
  ppid: 4,
  pgid: 8,
  status: 12,
  comm: 16,
  uid: 36,
} as const

/** proc_pidinfo flavors. */
export const PROC_PIDTASKALLINFO = 2
export const PROC_PIDTASKINFO = 4
export const PROC_PIDT_SHORTBSDINFO = 13
export const TASK_ALL_INFO_SIZE = BSD_INFO.size + TASK_INFO.size
const MAXCOMLEN = 16

/** p_stat values (sys/proc.h). */
const SIDL = 1 // being created by fork
const SRUN = 2
const SSLEEP = 3
const SSTOP = 4
const SZOMB = 5

/** One process as libproc describes it; what only the task part gives is null for others' processes. */
export interface DarwinProcess {
  pid: number
  ppid: number
  pgid: number
  uid: number
  /** pbi_name when the process set one (up to 32 bytes), else pbi_comm (the executable's first 16). */
  name: string
  status: number
  nice: number | null
  /** Start, ms since the epoch. */
  startedAt: number | null
  /** From proc_taskinfo: null where only the short info could be read (another user's process). */
  task: {
    residentSize: number
    /** User + system CPU time in mach absolute time units (see machTicksToMs). */
    cpuTicks: bigint
    threads: number
    runningThreads: number
  } | null
}

/** proc_taskallinfo's bytes (PROC_PIDTASKALLINFO). */
export function parseTaskAllInfo(bytes: Uint8Array): DarwinProcess {
  if (bytes.byteLength < TASK_ALL_INFO_SIZE) throw new Error(`proc_taskallinfo: ${bytes.byteLength} bytes, not ${TASK_ALL_INFO_SIZE}`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const task = BSD_INFO.size
  const comm = cString(bytes, BSD_INFO.comm, MAXCOMLEN)
  const name = cString(bytes, BSD_INFO.name, 2 * MAXCOMLEN)
  const seconds = Number(view.getBigUint64(BSD_INFO.startSec, true))
  const micros = Number(view.getBigUint64(BSD_INFO.startUsec, true))
  return {
    pid: view.getUint32(BSD_INFO.pid, true),
    ppid: view.getUint32(BSD_INFO.ppid, true),
    pgid: view.getUint32(BSD_INFO.pgid, true),
    uid: view.getUint32(BSD_INFO.uid, true),
    name: name || comm,
    status: view.getUint32(BSD_INFO.status, true),
    nice: view.getInt32(BSD_INFO.nice, true),
    startedAt: seconds > 0 ? seconds * 1000 + Math.floor(micros / 1000) : null,
    task: {
      residentSize: Number(view.getBigUint64(task + TASK_INFO.residentSize, true)),
      cpuTicks: view.getBigUint64(task + TASK_INFO.totalUser, true) + view.getBigUint64(task + TASK_INFO.totalSystem, true),
      threads: view.getInt32(task + TASK_INFO.threadCount, true),
      runningThreads: view.getInt32(task + TASK_INFO.runningThreads, true),
    },
  }
}

/** proc_bsdshortinfo's bytes (PROC_PIDT_SHORTBSDINFO): what any user may read of any process. */
export function parseShortBsdInfo(bytes: Uint8Array): DarwinProcess {
  if (bytes.byteLength < SHORT_BSD_INFO.size) throw new Error(`proc_bsdshortinfo: ${bytes.byteLength} bytes, not ${SHORT_BSD_INFO.size}`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return {
    pid: view.getUint32(SHORT_BSD_INFO.pid, true),
    ppid: view.getUint32(SHORT_BSD_INFO.ppid, true),
    pgid: view.getUint32(SHORT_BSD_INFO.pgid, true),
    uid: view.getUint32(SHORT_BSD_INFO.uid, true),
    name: cString(bytes, SHORT_BSD_INFO.comm, MAXCOMLEN),
    status: view.getUint32(SHORT_BSD_INFO.status, true),
    nice: null,
    startedAt: null,
    task: null,
  }
}

/** proc_taskinfo's bytes alone (PROC_PIDTASKINFO): a process's CPU and memory, for the lab sampler. */
export function parseTaskInfo(bytes: Uint8Array): { residentSize: number; cpuTicks: bigint } {
  if (bytes.byteLength < TASK_INFO.size) throw new Error(`proc_taskinfo: ${bytes.byteLength} bytes, not ${TASK_INFO.size}`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return {
    residentSize: Number(view.getBigUint64(TASK_INFO.residentSize, true)),
    cpuTicks: view.getBigUint64(TASK_INFO.totalUser, true) + view.getBigUint64(TASK_INFO.totalSystem, true),
  }
}

/**
 * The process's state as ps shows it, from what libproc gives without a call per thread. The
 * kernel leaves most processes SRUN whether they run or wait, so running is judged by the task's
 * running threads, and a process that has sat without using any CPU for 20 s is idle (ps's I,
 * which it decides per thread from the same 20 s). SIDL, a process still being forked, is idle
 * too, as htop shows it. Without the task part (another user's process), SRUN says no more
 * than sleeping.
 */
export function stateOf(p: Pick<DarwinProcess, 'status' | 'task'>, idleFor20s: boolean): ProcessState {
  switch (p.status) {
    case SZOMB:
      return 'zombie'
    case SSTOP:
      return 'stopped'
    case SIDL:
      return 'idle'
    case SRUN:
    case SSLEEP:
      if (p.task && p.task.runningThreads > 0) return 'running'
      return idleFor20s ? 'idle' : 'sleeping'
    default:
      return 'unknown'
  }
}

/** mach_timebase_info's fraction: ns = ticks × numer / denom (1/1 on Intel, 125/3 on Apple silicon). */
export interface Timebase {
  numer: number
  denom: number
}

export function machTicksToMs(ticks: bigint, timebase: Timebase): number {
  return (Number(ticks) * timebase.numer) / timebase.denom / 1e6
}

/** A NUL-terminated C string of at most `max` bytes, as UTF-8. */
function cString(bytes: Uint8Array, offset: number, max: number): string {
  const field = bytes.subarray(offset, offset + max)
  const end = field.indexOf(0)
  return UTF8.decode(end === -1 ? field : field.subarray(0, end))
}

const UTF8 = new TextDecoder()
