// POSIX shared memory (shm_open + ftruncate + mmap) for Linux and macOS, through koffi. The two
// differ in the O_ flag values, the C library's name and the longest name; the calls are the same.
// The file descriptor is closed right after mmap: the mapping does not need it.
import { loadKoffi, loadLibrary, type NativeLibrary } from '../koffi'
import { SharedMemoryError, type SharedMapping, type SharedMemorySupport, type WaitKind, type WaitOutcome } from './types'

export interface PosixFlavour {
  /** C libraries to try, in order (glibc before 2.34 kept shm_open in librt). */
  libraries: string[]
  O_RDWR: number
  O_CREAT: number
  O_EXCL: number
  /** errno values the messages and codes need. */
  errnoNames: Record<number, string>
  maxNameLength: number
  /** /dev/shm on Linux; macOS shows its segments nowhere. */
  folder: string | null
}

/** How a mapping waits on and wakes a word at a given address (futex, ulock or backoff). */
export interface WordWaiting {
  kind: WaitKind
  wait(words: Int32Array, index: number, address: bigint, expected: number, timeoutMs: number): WaitOutcome
  waitAsync(words: Int32Array, index: number, address: bigint, expected: number, timeoutMs: number): Promise<WaitOutcome>
  wake(address: bigint, count: number): number
}

const PROT_READ = 1
const PROT_WRITE = 2
const MAP_SHARED = 1
const MAP_FAILED = (1n << 64n) - 1n

interface Libc {
  shm_open(name: string, flags: number, ...modeVariadic: unknown[]): number
  shm_unlink(name: string): number
  ftruncate(fd: number, length: number): number
  mmap(addr: null, length: number, prot: number, flags: number, fd: number, offset: number): unknown
  munmap(addr: unknown, length: number): number
  close(fd: number): number
}

function bindLibc(flavour: PosixFlavour): Libc {
  let lib: NativeLibrary | null = null
  const reasons: string[] = []
  for (const name of flavour.libraries) {
    try {
      const candidate = loadLibrary(name)
      candidate.func('int shm_unlink(const char *name)')
      lib = candidate
      break
    } catch (error) {
      reasons.push(error instanceof Error ? error.message : String(error))
    }
  }
  if (!lib) throw new Error(`shm_open is not available: ${reasons.join('; ')}`)
  return {
    // Variadic in C (the mode is read only with O_CREAT): on Apple's arm64 a variadic argument goes
    // on the stack, so it must be declared so, with its type at the call.
    shm_open: lib.func('int shm_open(const char *name, int flags, ...)'),
    shm_unlink: lib.func('int shm_unlink(const char *name)'),
    ftruncate: lib.func('int ftruncate(int fd, int64_t length)'),
    mmap: lib.func('void *mmap(void *addr, size_t length, int prot, int flags, int fd, int64_t offset)'),
    munmap: lib.func('int munmap(void *addr, size_t length)'),
    close: lib.func('int close(int fd)'),
  } as Libc
}

export function posixSharedMemory(flavour: PosixFlavour, waiting: () => WordWaiting): SharedMemorySupport {
  let libc: Libc | null = null
  const calls = (): Libc => (libc ??= bindLibc(flavour))
  const koffi = () => loadKoffi()

  function failure(what: string, name: string): SharedMemoryError {
    const errno = koffi().errno()
    const code = flavour.errnoNames[errno] ?? `errno ${errno}`
    return new SharedMemoryError(`${what} of shared memory segment ${name} failed: ${code}`, code)
  }

  function checkName(name: string): string {
    const posixName = `/${name}`
    if (!/^[A-Za-z0-9._-]+$/.test(name) || posixName.length > flavour.maxNameLength) {
      throw new SharedMemoryError(`not a shared memory segment name here: ${JSON.stringify(name)} (letters, digits, . _ -, at most ${flavour.maxNameLength - 1})`, 'EINVAL')
    }
    return posixName
  }

  function map(name: string, size: number, fd: number): SharedMapping {
    const c = calls()
    const pointer = c.mmap(null, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
    const mapped = koffi().address(pointer) !== MAP_FAILED
    const error = mapped ? null : failure('mmap', name)
    c.close(fd)
    if (error) throw error
    const address = koffi().address(pointer)
    const words = new Int32Array(koffi().view(pointer, size))
    const waiter = waiting()
    let open = true
    return {
      name,
      size,
      words,
      waitKind: waiter.kind,
      wait: (index, expected, timeoutMs) => waiter.wait(words, index, address + BigInt(index * 4), expected, timeoutMs),
      waitAsync: (index, expected, timeoutMs) => waiter.waitAsync(words, index, address + BigInt(index * 4), expected, timeoutMs),
      wake: (index, count) => waiter.wake(address + BigInt(index * 4), count),
      close() {
        if (!open) return
        open = false
        c.munmap(pointer, size)
      },
    }
  }

  return {
    get waitKind() {
      return waiting().kind
    },
    maxNameLength: flavour.maxNameLength,
    pathOf: (name) => (flavour.folder ? `${flavour.folder}/${name}` : null),
    create(name, size) {
      const c = calls()
      const posixName = checkName(name)
      const fd = c.shm_open(posixName, flavour.O_RDWR | flavour.O_CREAT | flavour.O_EXCL, 'uint32_t', 0o600)
      if (fd < 0) throw failure('shm_open (create)', name)
      if (c.ftruncate(fd, size) !== 0) {
        const error = failure('ftruncate', name)
        c.close(fd)
        c.shm_unlink(posixName)
        throw error
      }
      try {
        return map(name, size, fd)
      } catch (error) {
        c.shm_unlink(posixName)
        throw error
      }
    },
    open(name, size) {
      const c = calls()
      const fd = c.shm_open(checkName(name), flavour.O_RDWR, 'uint32_t', 0)
      if (fd < 0) throw failure('shm_open', name)
      return map(name, size, fd)
    },
    unlink(name) {
      if (calls().shm_unlink(checkName(name)) !== 0) throw failure('shm_unlink', name)
    },
  }
}
