// Waiting on a word where the OS gives no cross-process wait on an address (Windows, whose
// WaitOnAddress only sees threads of one process; a Linux on an architecture whose futex syscall
// number is not listed here): poll it with sleeps that double from 50 µs up to 2 ms. A sleeper
// wakes at most 500 times a second and takes no CPU in between; a release is noticed within 2 ms.
// (Python's multiprocessing does the same on macOS, which has no sem_timedwait, capped at 20 ms.)
// Windows sleeps in whole milliseconds (V8's Atomics.wait truncates there, so a 50 µs sleep would
// not sleep at all and the waiter would spin): 1 ms, then 2 ms, each as long as the timer makes it.
import type { WaitOutcome } from './types'

const FIRST_SLEEP_MS = 0.05
export const LONGEST_SLEEP_MS = 2

// Atomics.wait on a word nobody else sees is a sleep that blocks only this thread.
const sleeper = new Int32Array(new SharedArrayBuffer(4))

export function sleepMs(ms: number): void {
  if (ms > 0) Atomics.wait(sleeper, 0, 0, ms)
}

export function backoffWait(words: Int32Array, index: number, expected: number, timeoutMs: number, wholeMs = false): WaitOutcome {
  const deadline = performance.now() + timeoutMs
  let sleep = wholeMs ? 1 : FIRST_SLEEP_MS
  for (;;) {
    if (Atomics.load(words, index) !== expected) return 'changed'
    const left = deadline - performance.now()
    if (left <= 0) return 'timed-out'
    const ms = Math.min(sleep, left)
    sleepMs(wholeMs ? Math.ceil(ms) : ms)
    sleep = Math.min(sleep * 2, LONGEST_SLEEP_MS)
  }
}

/** backoffWait without blocking: timers instead of sleeps (so whole milliseconds: a timer's least delay is 1 ms). */
export async function backoffWaitAsync(words: Int32Array, index: number, expected: number, timeoutMs: number): Promise<WaitOutcome> {
  const deadline = performance.now() + timeoutMs
  let sleep = 1
  for (;;) {
    if (Atomics.load(words, index) !== expected) return 'changed'
    const left = deadline - performance.now()
    if (left <= 0) return 'timed-out'
    await new Promise((resolve) => setTimeout(resolve, Math.ceil(Math.min(sleep, left))))
    sleep = Math.min(sleep * 2, LONGEST_SLEEP_MS)
  }
}
