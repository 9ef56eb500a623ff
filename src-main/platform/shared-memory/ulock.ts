// macOS: sleep in the kernel on a word of a shared mapping with __ulock_wait/__ulock_wake and
// UL_COMPARE_AND_WAIT_SHARED (the shared variant keys the wait on the physical page, so waiters in
// other processes are found). These are Apple's private calls under libc++'s std::atomic::wait and
// os_unfair_lock; they have been stable since macOS 10.12, but they are not public API.
// UNTESTED: written from xnu's sys/ulock.h; no Mac was available. If they fail to bind, the
// backoff waiter is used instead.
import { loadLibrary } from '../koffi'
import { backoffWaiting } from './backoff-waiting'
import type { WordWaiting } from './posix'

const UL_COMPARE_AND_WAIT_SHARED = 3
const ULF_WAKE_ALL = 0x100
/** Return -errno instead of setting errno. */
const ULF_NO_ERRNO = 0x01000000
const ETIMEDOUT = 60
/** The timeout is in microseconds, 0 meaning none: keep a wait finite and within 32 bits. */
const LONGEST_WAIT_US = 0xffffffff

type UlockWait = ((operation: number, address: bigint, value: bigint, timeoutUs: number) => number) & {
  async(operation: number, address: bigint, value: bigint, timeoutUs: number, done: (error: unknown, result: number) => void): void
}
type UlockWake = (operation: number, address: bigint, wakeValue: bigint) => number

export function ulockWaiting(): WordWaiting {
  let ulockWait: UlockWait
  let ulockWake: UlockWake
  try {
    const lib = loadLibrary('libc.dylib')
    ulockWait = lib.func('int __ulock_wait(uint32_t operation, intptr_t address, uint64_t value, uint32_t timeoutUs)') as UlockWait
    ulockWake = lib.func('int __ulock_wake(uint32_t operation, intptr_t address, uint64_t wakeValue)') as UlockWake
  } catch {
    return backoffWaiting()
  }
  return {
    kind: 'ulock',
    wait(words, index, address, expected, timeoutMs) {
      const us = Math.min(LONGEST_WAIT_US, Math.max(1, Math.round(timeoutMs * 1000)))
      // The kernel compares the whole 32-bit word as unsigned.
      const result = ulockWait(UL_COMPARE_AND_WAIT_SHARED | ULF_NO_ERRNO, address, BigInt(expected >>> 0), us)
      if (result === -ETIMEDOUT) return 'timed-out'
      return Atomics.load(words, index) === expected ? 'woken' : 'changed'
    },
    waitAsync(words, index, address, expected, timeoutMs) {
      const us = Math.min(LONGEST_WAIT_US, Math.max(1, Math.round(timeoutMs * 1000)))
      return new Promise((resolve) => {
        ulockWait.async(UL_COMPARE_AND_WAIT_SHARED | ULF_NO_ERRNO, address, BigInt(expected >>> 0), us, (_error, result) =>
          resolve(result === -ETIMEDOUT ? 'timed-out' : Atomics.load(words, index) === expected ? 'woken' : 'changed'),
        )
      })
    },
    wake(address, count) {
      const operation = UL_COMPARE_AND_WAIT_SHARED | ULF_NO_ERRNO | (count > 1 ? ULF_WAKE_ALL : 0)
      return ulockWake(operation, address, 0n) >= 0 ? 1 : 0
    },
  }
}
