// The Windows calls the native process table makes, through koffi (platform/koffi.ts): declared
// on first use, once per process. Each returns plain bytes or numbers; the layouts are read
// elsewhere (process-info.ts, system.ts), where tests reach them without Windows.
import { loadKoffi, loadLibrary } from '../koffi'

/** An opaque handle as koffi returns it. */
type Handle = unknown

/** NTSTATUS of a buffer too small for the answer (the needed length comes back with it). */
export const STATUS_INFO_LENGTH_MISMATCH = 0xc0000004 | 0
const STATUS_BUFFER_OVERFLOW = 0x80000005 | 0
const STATUS_BUFFER_TOO_SMALL = 0xc0000023 | 0
const TOO_SMALL = new Set([STATUS_INFO_LENGTH_MISMATCH, STATUS_BUFFER_OVERFLOW, STATUS_BUFFER_TOO_SMALL])

/** Enough to read a process's times, memory, token and command line, granted for most processes, elevated or not. */
const PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
const TOKEN_QUERY = 0x0008
/** TOKEN_INFORMATION_CLASS TokenUser. */
const TOKEN_USER = 1
/** PROCESSINFOCLASS ProcessCommandLineInformation (Windows 8.1 and later): a UNICODE_STRING and its characters. */
const PROCESS_COMMAND_LINE_INFORMATION = 60

/** NTSTATUS is negative for errors: a plain number for messages. */
export function ntStatusText(status: number): string {
  return `NTSTATUS 0x${(status >>> 0).toString(16).padStart(8, '0')}`
}

export interface WindowsCalls {
  /** NtQuerySystemInformation into `buffer`: its NTSTATUS and the length the answer takes (or would). */
  querySystemInformation(infoClass: number, buffer: Buffer): { status: number; length: number }
  /** Where a Buffer's bytes are (the kernel writes addresses into its answers). */
  address(buffer: Buffer): bigint
  /** OpenProcess for queries, or null (gone, or not ours to open). */
  openProcess(pid: number): Handle | null
  closeHandle(handle: Handle): void
  /** The bytes of the SID of the process's user (its token's TokenUser), or null. */
  tokenUserSid(process: Handle): Buffer | null
  /** LookupAccountSidW's account name for a SID (without its domain), or null. */
  accountName(sid: Buffer): string | null
  /** The process's command line as it was started, or null where Windows will not say. */
  commandLine(process: Handle): string | null
  /** The image's full path (QueryFullProcessImageNameW), where the command line cannot be read. */
  imagePath(process: Handle): string | null
  /** GetExitCodeProcess: 259 (STILL_ACTIVE) while it runs, or null. */
  exitCode(process: Handle): number | null
  /** CreateTime and user + kernel CPU time (100 ns units), from GetProcessTimes. */
  processTimes(process: Handle): { createTime: bigint; cpuTime: bigint } | null
  /** WorkingSetSize from GetProcessMemoryInfo, in bytes. */
  workingSet(process: Handle): number | null
  /** GlobalMemoryStatusEx's MEMORYSTATUSEX, 64 bytes (read by system.ts). */
  memoryStatus(): Buffer | null
}

let calls: WindowsCalls | null = null

/** The calls, declared once; throws why they cannot be (no koffi, a library or function missing). */
export function windowsCalls(): WindowsCalls {
  calls ??= declare()
  return calls
}

function declare(): WindowsCalls {
  const koffi = loadKoffi()
  const ntdll = loadLibrary('ntdll.dll')
  const kernel32 = loadLibrary('kernel32.dll')
  const advapi32 = loadLibrary('advapi32.dll')
  // HANDLEs and buffers are `void *`: a Buffer passed for one is passed by address, without a copy.
  const NtQuerySystemInformation = ntdll.func('int32_t __stdcall NtQuerySystemInformation(uint32_t cls, void *buf, uint32_t len, _Out_ uint32_t *ret)')
  const NtQueryInformationProcess = ntdll.func('int32_t __stdcall NtQueryInformationProcess(void *process, uint32_t cls, void *buf, uint32_t len, _Out_ uint32_t *ret)')
  const OpenProcess = kernel32.func('void * __stdcall OpenProcess(uint32_t access, int inherit, uint32_t pid)')
  const CloseHandle = kernel32.func('int __stdcall CloseHandle(void *handle)')
  const QueryFullProcessImageNameW = kernel32.func('int __stdcall QueryFullProcessImageNameW(void *process, uint32_t flags, void *name, _Inout_ uint32_t *size)')
  const GetExitCodeProcess = kernel32.func('int __stdcall GetExitCodeProcess(void *process, _Out_ uint32_t *code)')
  const GetProcessTimes = kernel32.func('int __stdcall GetProcessTimes(void *process, void *created, void *exited, void *kernel, void *user)')
  // psapi's GetProcessMemoryInfo lives in kernel32 under this name since Windows 7.
  const GetProcessMemoryInfo = kernel32.func('int __stdcall K32GetProcessMemoryInfo(void *process, void *counters, uint32_t size)')
  const GlobalMemoryStatusEx = kernel32.func('int __stdcall GlobalMemoryStatusEx(void *status)')
  const OpenProcessToken = advapi32.func('int __stdcall OpenProcessToken(void *process, uint32_t access, _Out_ void **token)')
  const GetTokenInformation = advapi32.func('int __stdcall GetTokenInformation(void *token, int cls, void *buf, uint32_t len, _Out_ uint32_t *ret)')
  const LookupAccountSidW = advapi32.func('int __stdcall LookupAccountSidW(void *system, void *sid, void *name, _Inout_ uint32_t *nameLength, void *domain, _Inout_ uint32_t *domainLength, _Out_ int *use)')

  // Reused between calls: these run once per new process, on the monitor's one thread.
  const tokenBuffer = Buffer.alloc(256)
  const nameBuffer = Buffer.alloc(512)
  const domainBuffer = Buffer.alloc(512)
  const pathBuffer = Buffer.alloc(2 * 32768) // the longest path Windows allows, in WCHARs
  const times = Buffer.alloc(32)
  // PROCESS_MEMORY_COUNTERS (x64): cb, PageFaultCount, then SIZE_Ts; WorkingSetSize at 16.
  const counters = Buffer.alloc(72)
  let commandBuffer = Buffer.alloc(4096)

  const address = (buffer: Buffer): bigint => koffi.address(buffer)

  return {
    querySystemInformation(infoClass, buffer) {
      const length = [0]
      const status = NtQuerySystemInformation(infoClass, buffer, buffer.length, length) as number
      return { status, length: length[0]! }
    },
    address,
    openProcess: (pid) => (OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid) as Handle | null) ?? null,
    closeHandle: (handle) => void CloseHandle(handle),
    tokenUserSid(process) {
      const token: Handle[] = [null]
      if (!OpenProcessToken(process, TOKEN_QUERY, token) || token[0] === null) return null
      try {
        const length = [0]
        if (!GetTokenInformation(token[0], TOKEN_USER, tokenBuffer, tokenBuffer.length, length)) return null
        // TOKEN_USER is a SID_AND_ATTRIBUTES whose Sid points into the same buffer.
        const at = Number(tokenBuffer.readBigUInt64LE(0) - address(tokenBuffer))
        if (at < 0 || at + 8 > tokenBuffer.length) return null
        // A SID: revision, sub-authority count, 6-byte authority, 4 bytes per sub-authority.
        const size = 8 + 4 * tokenBuffer[at + 1]!
        return at + size <= tokenBuffer.length ? Buffer.from(tokenBuffer.subarray(at, at + size)) : null
      } finally {
        CloseHandle(token[0])
      }
    },
    accountName(sid) {
      const nameLength = [nameBuffer.length / 2]
      const domainLength = [domainBuffer.length / 2]
      if (!LookupAccountSidW(null, sid, nameBuffer, nameLength, domainBuffer, domainLength, [0])) return null
      return nameBuffer.toString('utf16le', 0, nameLength[0]! * 2)
    },
    commandLine(process) {
      for (let attempt = 0; attempt < 3; attempt++) {
        const length = [0]
        const status = NtQueryInformationProcess(process, PROCESS_COMMAND_LINE_INFORMATION, commandBuffer, commandBuffer.length, length) as number
        if (TOO_SMALL.has(status) && length[0]! > commandBuffer.length) {
          commandBuffer = Buffer.alloc(length[0]! + 256)
          continue
        }
        if (status < 0) return null
        // UNICODE_STRING: USHORT Length (bytes), then at 8 the address of the characters, in the buffer.
        const bytes = commandBuffer.readUInt16LE(0)
        const at = Number(commandBuffer.readBigUInt64LE(8) - address(commandBuffer))
        if (bytes === 0 || at < 0 || at + bytes > commandBuffer.length) return null
        return commandBuffer.toString('utf16le', at, at + bytes)
      }
      return null
    },
    imagePath(process) {
      const size = [pathBuffer.length / 2]
      if (!QueryFullProcessImageNameW(process, 0, pathBuffer, size)) return null
      return pathBuffer.toString('utf16le', 0, size[0]! * 2)
    },
    exitCode(process) {
      const code = [0]
      return GetExitCodeProcess(process, code) ? code[0]! : null
    },
    processTimes(process) {
      // FILETIMEs: created, exited, kernel, user.
      if (!GetProcessTimes(process, times, times.subarray(8), times.subarray(16), times.subarray(24))) return null
      return { createTime: times.readBigInt64LE(0), cpuTime: times.readBigInt64LE(16) + times.readBigInt64LE(24) }
    },
    workingSet(process) {
      counters.writeUInt32LE(counters.length, 0)
      if (!GetProcessMemoryInfo(process, counters, counters.length)) return null
      return Number(counters.readBigUInt64LE(16))
    },
    memoryStatus() {
      const status = Buffer.alloc(64)
      status.writeUInt32LE(status.length, 0) // dwLength, which the call checks
      return GlobalMemoryStatusEx(status) ? status : null
    },
  }
}
