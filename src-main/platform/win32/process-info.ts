// The answer of NtQuerySystemInformation(SystemProcessInformation), read through a DataView: the
// whole process table of Windows in one system call, as Task Manager and System Informer read it.
// Pure (no native call), so the layout is tested on any OS from a fixture buffer.
//
// The buffer is a chain of SYSTEM_PROCESS_INFORMATION entries, each followed by its threads'
// SYSTEM_THREAD_INFORMATION, then (usually) its image name's UTF-16 characters. Offsets for x64
// (the only Windows build ProcLab ships; ntdef.h / winternl.h, and phnt's ntexapi.h for the fields
// winternl.h calls Reserved):
//
//   SYSTEM_PROCESS_INFORMATION (0x100 bytes)
//   0x00 ULONG NextEntryOffset            bytes to the next entry, 0 on the last
//   0x04 ULONG NumberOfThreads
//   0x08 LARGE_INTEGER WorkingSetPrivateSize
//   0x10 ULONG HardFaultCount, 0x14 ULONG NumberOfThreadsHighWatermark, 0x18 ULONGLONG CycleTime
//   0x20 LARGE_INTEGER CreateTime         FILETIME: 100 ns since 1601-01-01 UTC
//   0x28 LARGE_INTEGER UserTime           100 ns units
//   0x30 LARGE_INTEGER KernelTime         100 ns units
//   0x38 UNICODE_STRING ImageName         USHORT Length (bytes) at 0x38, MaximumLength 0x3A, PWSTR Buffer at 0x40
//   0x48 KPRIORITY BasePriority           LONG
//   0x50 HANDLE UniqueProcessId
//   0x58 HANDLE InheritedFromUniqueProcessId   the parent's pid when it was created (never updated)
//   0x60 ULONG HandleCount, 0x64 ULONG SessionId, 0x68 ULONG_PTR UniqueProcessKey
//   0x70 SIZE_T PeakVirtualSize, 0x78 VirtualSize, 0x80 ULONG PageFaultCount,
//   0x88 SIZE_T PeakWorkingSetSize
//   0x90 SIZE_T WorkingSetSize            resident memory, bytes
//   0x98 .. 0xC8 pool, pagefile and private counters, 0xD0 .. 0xF8 six I/O counters
//   0x100 SYSTEM_THREAD_INFORMATION Threads[NumberOfThreads]
//
//   SYSTEM_THREAD_INFORMATION (0x50 bytes)
//   0x00 KernelTime, 0x08 UserTime, 0x10 CreateTime, 0x18 ULONG WaitTime, 0x20 PVOID StartAddress,
//   0x28 CLIENT_ID ClientId (UniqueProcess, UniqueThread), 0x38 KPRIORITY Priority, 0x3C LONG BasePriority,
//   0x40 ULONG ContextSwitches
//   0x44 ULONG ThreadState                KTHREAD_STATE
//   0x48 ULONG WaitReason                 KWAIT_REASON (meaningful when ThreadState is Waiting)

/** Offsets in SYSTEM_PROCESS_INFORMATION (x64). */
export const PROCESS = {
  size: 0x100,
  nextEntryOffset: 0x00,
  numberOfThreads: 0x04,
  createTime: 0x20,
  userTime: 0x28,
  kernelTime: 0x30,
  imageNameLength: 0x38,
  imageNameBuffer: 0x40,
  basePriority: 0x48,
  uniqueProcessId: 0x50,
  inheritedFromUniqueProcessId: 0x58,
  handleCount: 0x60,
  sessionId: 0x64,
  workingSetSize: 0x90,
} as const

/** Offsets in SYSTEM_THREAD_INFORMATION (x64). */
export const THREAD = {
  size: 0x50,
  threadState: 0x44,
  waitReason: 0x48,
} as const

/** KTHREAD_STATE values that mean the thread runs or is about to (Linux's R covers both). */
const RUNNABLE_STATES = new Set([
  1, // Ready
  2, // Running
  3, // Standby: chosen to run next on a processor
  6, // Transition: ready, waiting for its kernel stack to be paged in
  7, // DeferredReady
])
/** KTHREAD_STATE Waiting. */
const WAITING = 5
/** KWAIT_REASON Suspended: SuspendThread, or the whole process suspended (NtSuspendProcess, a debugger). */
const SUSPENDED = 5

/** One process of the table, as the kernel gives it. */
export interface NtProcess {
  pid: number
  ppid: number
  /** The image's file name ("node.exe"); empty for the System Idle Process. */
  name: string
  threads: number
  /** Threads running or ready to. */
  runnableThreads: number
  /** Threads waiting because they are suspended. */
  suspendedThreads: number
  /** FILETIME: 100 ns since 1601; with the pid it names one process for good (pids are reused). */
  createTime: bigint
  /** User + kernel CPU time, 100 ns units. */
  cpuTime: bigint
  basePriority: number
  workingSetSize: number
  sessionId: number
}

/**
 * Every process in `bytes`, which the kernel filled at `base` (its address then): ImageName.Buffer
 * is an address into the same buffer, turned back into an offset here. A name that points
 * outside the buffer reads as empty rather than as someone else's memory. Throws on a chain that
 * leaves the buffer (a short read or a wrong layout), which the caller turns into a fallback.
 */
export function parseProcessInformation(bytes: Uint8Array, base: bigint): NtProcess[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const processes: NtProcess[] = []
  for (let at = 0; ; ) {
    if (at + PROCESS.size > bytes.byteLength) throw new Error(`SystemProcessInformation: an entry at ${at} runs past the ${bytes.byteLength}-byte buffer`)
    const next = view.getUint32(at + PROCESS.nextEntryOffset, true)
    const threads = view.getUint32(at + PROCESS.numberOfThreads, true)
    const end = next === 0 ? bytes.byteLength : at + next
    if (end > bytes.byteLength) throw new Error(`SystemProcessInformation: the entry at ${at} runs past the ${bytes.byteLength}-byte buffer`)
    if (at + PROCESS.size + threads * THREAD.size > end) throw new Error(`SystemProcessInformation: ${threads} threads of the entry at ${at} run past it`)
    let runnableThreads = 0
    let suspendedThreads = 0
    for (let t = 0; t < threads; t++) {
      const thread = at + PROCESS.size + t * THREAD.size
      const state = view.getUint32(thread + THREAD.threadState, true)
      if (RUNNABLE_STATES.has(state)) runnableThreads++
      else if (state === WAITING && view.getUint32(thread + THREAD.waitReason, true) === SUSPENDED) suspendedThreads++
    }
    processes.push({
      pid: Number(view.getBigUint64(at + PROCESS.uniqueProcessId, true)),
      ppid: Number(view.getBigUint64(at + PROCESS.inheritedFromUniqueProcessId, true)),
      name: imageName(bytes, view, at, base),
      threads,
      runnableThreads,
      suspendedThreads,
      createTime: view.getBigInt64(at + PROCESS.createTime, true),
      cpuTime: view.getBigInt64(at + PROCESS.userTime, true) + view.getBigInt64(at + PROCESS.kernelTime, true),
      basePriority: view.getInt32(at + PROCESS.basePriority, true),
      workingSetSize: Number(view.getBigUint64(at + PROCESS.workingSetSize, true)),
      sessionId: view.getUint32(at + PROCESS.sessionId, true),
    })
    if (next === 0) return processes
    at += next
  }
}

function imageName(bytes: Uint8Array, view: DataView, entry: number, base: bigint): string {
  const length = view.getUint16(entry + PROCESS.imageNameLength, true)
  const pointer = view.getBigUint64(entry + PROCESS.imageNameBuffer, true)
  if (length === 0 || pointer === 0n || pointer < base) return ''
  const offset = pointer - base
  if (offset + BigInt(length) > BigInt(bytes.byteLength)) return ''
  return utf16(bytes, Number(offset), length)
}

/** UTF-16LE text at `offset`, `length` bytes long (Windows' WCHAR strings). */
export function utf16(bytes: Uint8Array, offset: number, length: number): string {
  return UTF16.decode(bytes.subarray(offset, offset + length))
}

const UTF16 = new TextDecoder('utf-16le')
