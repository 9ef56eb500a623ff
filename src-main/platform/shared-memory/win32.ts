// Windows: a named file mapping backed by the paging file (CreateFileMappingW on
// INVALID_HANDLE_VALUE), opened from another process with OpenFileMappingW. The default security
// descriptor gives access to the creating user (and SYSTEM and administrators) only. The name lives
// as long as a handle to it is open, so each mapping keeps its handle until close().
//
// Waiting: WaitOnAddress only wakes threads of the same process, so it cannot serve a lock shared
// between processes. A named event per word would wake promptly, but it is one more kernel object
// to create, name, hand over and close for every word, and an auto-reset event holds one wake while
// a lock may need to pass several. The backoff waiter (sleeps doubling to 2 ms) needs nothing of the
// OS, is the same code as the fallback everywhere (so it is tested on Linux too), and costs a few
// ms of latency on a handoff (sleeps of 1 then 2 ms, rounded up by the system timer, up to its
// 15.6 ms tick where nothing has asked for a finer one) and a few hundred wakeups a second per sleeping waiter.
import { loadKoffi, loadLibrary } from '../koffi'
import { backoffWait, backoffWaitAsync } from './backoff'
import { SharedMemoryError, type SharedMapping, type SharedMemorySupport } from './types'

const PAGE_READWRITE = 0x04
const FILE_MAP_ALL_ACCESS = 0xf001f
const INVALID_HANDLE_VALUE = -1n
const ERROR_FILE_NOT_FOUND = 2
const ERROR_ALREADY_EXISTS = 183
/** Windows names the kernel object itself; "Local\" keeps it to this logon session. */
const NAMESPACE = 'Local\\'

interface Kernel32Mapping {
  CreateFileMappingW(file: bigint, attributes: null, protect: number, sizeHigh: number, sizeLow: number, name: string): unknown
  OpenFileMappingW(access: number, inherit: number, name: string): unknown
  MapViewOfFile(mapping: unknown, access: number, offsetHigh: number, offsetLow: number, bytes: number): unknown
  UnmapViewOfFile(view: unknown): number
  CloseHandle(handle: unknown): number
  GetLastError(): number
}

let bound: Kernel32Mapping | null = null
function kernel32(): Kernel32Mapping {
  if (bound) return bound
  const lib = loadLibrary('kernel32.dll')
  bound = {
    CreateFileMappingW: lib.func('void *__stdcall CreateFileMappingW(intptr_t file, void *attributes, uint32_t protect, uint32_t sizeHigh, uint32_t sizeLow, const char16_t *name)'),
    OpenFileMappingW: lib.func('void *__stdcall OpenFileMappingW(uint32_t access, int inherit, const char16_t *name)'),
    MapViewOfFile: lib.func('void *__stdcall MapViewOfFile(void *mapping, uint32_t access, uint32_t offsetHigh, uint32_t offsetLow, size_t bytes)'),
    UnmapViewOfFile: lib.func('int __stdcall UnmapViewOfFile(void *view)'),
    CloseHandle: lib.func('int __stdcall CloseHandle(void *handle)'),
    GetLastError: lib.func('uint32_t __stdcall GetLastError()'),
  } as Kernel32Mapping
  return bound
}

function checkName(name: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(name) || name.length > 200) throw new SharedMemoryError(`not a shared memory segment name: ${JSON.stringify(name)}`, 'EINVAL')
  return NAMESPACE + name
}

function failure(what: string, name: string, lastError: number): SharedMemoryError {
  const code = lastError === ERROR_ALREADY_EXISTS ? 'EEXIST' : lastError === ERROR_FILE_NOT_FOUND ? 'ENOENT' : `Windows error ${lastError}`
  return new SharedMemoryError(`${what} of shared memory segment ${name} failed: ${code}`, code)
}

function mapView(name: string, size: number, handle: unknown): SharedMapping {
  const k = kernel32()
  const view = k.MapViewOfFile(handle, FILE_MAP_ALL_ACCESS, 0, 0, size)
  if (!view) {
    const error = failure('MapViewOfFile', name, k.GetLastError())
    k.CloseHandle(handle)
    throw error
  }
  const words = new Int32Array(loadKoffi().view(view, size))
  let open = true
  return {
    name,
    size,
    words,
    waitKind: 'backoff',
    wait: (index, expected, timeoutMs) => backoffWait(words, index, expected, timeoutMs, true),
    waitAsync: (index, expected, timeoutMs) => backoffWaitAsync(words, index, expected, timeoutMs),
    wake: () => 0,
    close() {
      if (!open) return
      open = false
      k.UnmapViewOfFile(view)
      k.CloseHandle(handle)
    },
  }
}

export const win32SharedMemory: SharedMemorySupport = {
  waitKind: 'backoff',
  maxNameLength: 200,
  pathOf: () => null,
  create(name, size) {
    const k = kernel32()
    const handle = k.CreateFileMappingW(INVALID_HANDLE_VALUE, null, PAGE_READWRITE, Math.floor(size / 2 ** 32), size >>> 0, checkName(name))
    // A name that exists already opens that mapping and says so in the last error.
    const lastError = k.GetLastError()
    if (!handle) throw failure('CreateFileMappingW', name, lastError)
    if (lastError === ERROR_ALREADY_EXISTS) {
      k.CloseHandle(handle)
      throw failure('CreateFileMappingW', name, lastError)
    }
    return mapView(name, size, handle)
  },
  open(name, size) {
    const k = kernel32()
    const handle = k.OpenFileMappingW(FILE_MAP_ALL_ACCESS, 0, checkName(name))
    if (!handle) throw failure('OpenFileMappingW', name, k.GetLastError())
    return mapView(name, size, handle)
  },
  unlink(name) {
    checkName(name)
  },
}
