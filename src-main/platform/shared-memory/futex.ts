// Linux: sleep in the kernel on a word of a shared mapping with the futex syscall. FUTEX_WAIT and
// FUTEX_WAKE, not their _PRIVATE variants: the private ones key the wait queue on this process's
// address space, and a waiter in another process would never be found by a wake.
import { loadKoffi, loadLibrary } from '../koffi'
import { backoffWaiting } from './backoff-waiting'
import type { WordWaiting } from './posix'

const FUTEX_WAIT = 0
const FUTEX_WAKE = 1
const EAGAIN = 11
const ETIMEDOUT = 110
const INT32_MAX = 0x7fffffff

/** The futex syscall's number on the architectures Node ships for (asm/unistd.h). */
const SYS_FUTEX: Partial<Record<string, number>> = { x64: 202, arm64: 98, ia32: 240, arm: 240, riscv64: 98, loong64: 98, ppc64: 221, s390x: 238 }

type Syscall = ((number: number, address: bigint, op: number, value: number, timeout: Buffer | null, address2: bigint, value3: number) => number) & {
  async(number: number, address: bigint, op: number, value: number, timeout: Buffer | null, address2: bigint, value3: number, done: (error: unknown, result: number) => void): void
}

function timespec(ms: number, into = Buffer.alloc(16)): Buffer {
  const at = Math.max(0, ms)
  into.writeBigInt64LE(BigInt(Math.floor(at / 1000)), 0)
  into.writeBigInt64LE(BigInt(Math.floor((at % 1000) * 1e6)), 8)
  return into
}

/** The futex waiter for this architecture, or a backoff waiter where its syscall number is unknown. */
export function futexWaiting(arch: string): WordWaiting {
  const sys = SYS_FUTEX[arch]
  if (sys === undefined) return backoffWaiting()
  // syscall(2) is variadic in C; on Linux's x64 and arm64 ABIs integer arguments travel the same
  // way either way, so a fixed prototype serves.
  const syscall = loadLibrary('libc.so.6').func('long syscall(long number, intptr_t address, int op, int value, void *timeout, intptr_t address2, int value3)') as Syscall
  const koffi = loadKoffi()
  const timeout = Buffer.alloc(16)
  /** The timeouts of asynchronous waits under way (see waitAsync). */
  const pending = new Set<Buffer>()
  return {
    kind: 'futex',
    wait(_words, _index, address, expected, timeoutMs) {
      if (syscall(sys, address, FUTEX_WAIT, expected, timespec(timeoutMs, timeout), 0n, 0) === 0) return 'woken'
      const errno = koffi.errno()
      if (errno === EAGAIN) return 'changed'
      if (errno === ETIMEDOUT) return 'timed-out'
      return 'woken' // EINTR: a signal; the caller looks at the word again
    },
    waitAsync(words, index, address, expected, timeoutMs) {
      // errno belongs to the pool's thread here: the word itself says whether it changed.
      // koffi hands the pool's thread a pointer into the Buffer and keeps no reference to it, and
      // the call may wait in the pool's queue: held in `pending` until the call is done, else a
      // garbage collection frees it and the kernel reads whatever is there by then as the timeout
      // (seen: a get with a 200 ms timeout asleep for good, or back at once with EINVAL).
      const limit = timespec(timeoutMs)
      pending.add(limit)
      return new Promise((resolve) => {
        syscall.async(sys, address, FUTEX_WAIT, expected, limit, 0n, 0, () => {
          pending.delete(limit)
          resolve(Atomics.load(words, index) === expected ? 'woken' : 'changed')
        })
      })
    },
    wake(address, count) {
      const woken = syscall(sys, address, FUTEX_WAKE, Number.isFinite(count) ? Math.min(count, INT32_MAX) : INT32_MAX, null, 0n, 0)
      return woken < 0 ? 0 : woken
    },
  }
}
