// Shared memory for this OS, chosen on first use (koffi and the C library load only then: every lab
// process loads platform/, and most never map a segment).
import { futexWaiting } from './futex'
import { posixSharedMemory, type PosixFlavour, type WordWaiting } from './posix'
import type { SharedMemorySupport } from './types'
import { ulockWaiting } from './ulock'
import { win32SharedMemory } from './win32'

export type { SharedMapping, SharedMemorySupport, WaitKind, WaitOutcome } from './types'
export { SharedMemoryError } from './types'
export { sleepMs } from './backoff'

const LINUX: PosixFlavour = {
  libraries: ['libc.so.6', 'librt.so.1'],
  O_RDWR: 0o2,
  O_CREAT: 0o100,
  O_EXCL: 0o200,
  errnoNames: { 1: 'EPERM', 2: 'ENOENT', 12: 'ENOMEM', 13: 'EACCES', 17: 'EEXIST', 22: 'EINVAL', 24: 'EMFILE', 28: 'ENOSPC', 36: 'ENAMETOOLONG' },
  // NAME_MAX of a file in /dev/shm.
  maxNameLength: 255,
  folder: '/dev/shm',
}

const DARWIN: PosixFlavour = {
  libraries: ['libc.dylib'],
  O_RDWR: 0x2,
  O_CREAT: 0x200,
  O_EXCL: 0x800,
  errnoNames: { 1: 'EPERM', 2: 'ENOENT', 12: 'ENOMEM', 13: 'EACCES', 17: 'EEXIST', 22: 'EINVAL', 24: 'EMFILE', 28: 'ENOSPC', 63: 'ENAMETOOLONG' },
  // PSHMNAMLEN is 31, and the name counts its leading slash.
  maxNameLength: 31,
  folder: null,
}

function once(make: () => WordWaiting): () => WordWaiting {
  let made: WordWaiting | null = null
  return () => (made ??= make())
}

/** Shared memory as an OS offers it (by Node's names for the OS and the architecture); null where there is none. */
export function sharedMemoryFor(os: NodeJS.Platform, arch: string): SharedMemorySupport | null {
  switch (os) {
    case 'linux':
      return posixSharedMemory(LINUX, once(() => futexWaiting(arch)))
    case 'darwin':
      return posixSharedMemory(DARWIN, once(ulockWaiting))
    case 'win32':
      return win32SharedMemory
    default:
      return null
  }
}

let chosen: SharedMemorySupport | null | undefined
/** This machine's shared memory, or null where ProcLab has none (the sockets path serves there). */
export function sharedMemory(): SharedMemorySupport | null {
  // PROCLAB_SHARED_MEMORY=off: as an OS without it (the sockets fallback, tested on any OS; and a
  // way out should the fast path misbehave somewhere). Lab processes inherit it from the host.
  if (chosen === undefined) chosen = process.env.PROCLAB_SHARED_MEMORY === 'off' ? null : sharedMemoryFor(process.platform, process.arch)
  return chosen
}
