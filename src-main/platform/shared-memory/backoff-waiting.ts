// The backoff waiter in the shape the POSIX mappings take (futex.ts and ulock.ts fall back to it).
import { backoffWait, backoffWaitAsync } from './backoff'
import type { WordWaiting } from './posix'

export function backoffWaiting(): WordWaiting {
  return {
    kind: 'backoff',
    wait: (words, index, _address, expected, timeoutMs) => backoffWait(words, index, expected, timeoutMs),
    waitAsync: (words, index, _address, expected, timeoutMs) => backoffWaitAsync(words, index, expected, timeoutMs),
    wake: () => 0,
  }
}
