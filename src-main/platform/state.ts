import type { ProcessState } from '../../src-shared/contract'

/** The one-letter state of Linux /proc/<pid>/stat and of `ps -o stat` (first letter), Linux's and macOS's. */
export function stateFromLetter(letter: string): ProcessState {
  switch (letter.charAt(0)) {
    case 'R':
      return 'running'
    case 'S':
      return 'sleeping'
    case 'D':
    case 'U': // macOS: uninterruptible wait
      return 'disk-wait'
    case 'T': // stopped by a signal
    case 't': // stopped by a debugger (tracing stop)
      return 'stopped'
    case 'Z':
      return 'zombie'
    case 'I': // Linux: an idle kernel thread; macOS: asleep for more than about 20 s
      return 'idle'
    default:
      return 'unknown'
  }
}

/**
 * systeminformation's words (it maps letters itself on macOS, and has its own set on Windows). Its
 * mapping knows no I or U: on macOS those come back as unknown, so its sampler there reads the
 * letters from ps itself (SiTableOptions.stateLetters).
 */
export function stateFromWord(word: string): ProcessState {
  switch (word.trim().toLowerCase()) {
    case 'running':
    case 'ready':
      return 'running'
    case 'sleeping':
      return 'sleeping'
    case 'blocked':
    case 'paging':
      return 'disk-wait'
    case 'stopped':
    case 'suspended blocked':
    case 'suspended ready':
      return 'stopped'
    case 'zombie':
      return 'zombie'
    case 'idle':
      return 'idle'
    default:
      return word.length === 1 ? stateFromLetter(word) : 'unknown'
  }
}
