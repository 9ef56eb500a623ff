// Named shared memory and waiting on a 32-bit word in it: what each OS offers, behind one shape.
// The lab's shared-memory layer (src-main/lab/shm) builds segments and locks on this; it never
// asks which OS it runs on.

/** How a waiter sleeps on a word: in the kernel (futex, ulock), or by polling with growing sleeps. */
export type WaitKind = 'futex' | 'ulock' | 'backoff'

/**
 * Why a wait returned. `woken` may be spurious (a wake meant for another word, a signal): callers
 * always look at the word again. `changed`: the word no longer held the value the caller expected.
 */
export type WaitOutcome = 'woken' | 'changed' | 'timed-out'

/** One process's mapping of a segment. */
export interface SharedMapping {
  /** The segment's name without any OS prefix (what another process passes to `open`). */
  readonly name: string
  readonly size: number
  /** The whole mapping as 32-bit words, for `Atomics` (an ArrayBuffer over the mapped memory, from koffi.view). */
  readonly words: Int32Array
  readonly waitKind: WaitKind
  /** Sleeps while `words[index] === expected`, for at most `timeoutMs` (finite, ≥ 0). */
  wait(index: number, expected: number, timeoutMs: number): WaitOutcome
  /**
   * The same without blocking this thread: the kernel wait runs on a thread of libuv's pool
   * (koffi's asynchronous calls), the backoff polls with timers. It may return early (`woken`);
   * callers look at the word again, and keep their own deadline.
   */
  waitAsync(index: number, expected: number, timeoutMs: number): Promise<WaitOutcome>
  /** Wakes up to `count` processes sleeping on `words[index]` (Infinity: all); returns how many it woke where the OS says. */
  wake(index: number, count: number): number
  /** Unmaps it from this process (the segment itself lives on until it is unlinked). Idempotent. */
  close(): void
}

export interface SharedMemorySupport {
  readonly waitKind: WaitKind
  /**
   * Creates a segment of `size` bytes (zero-filled) readable and writable by this user only, and
   * maps it; fails with an error whose `code` is 'EEXIST' when the name is taken.
   */
  create(name: string, size: number): SharedMapping
  /** Maps a segment another process created. `size` must be the size it was created with. */
  open(name: string, size: number): SharedMapping
  /**
   * Removes the name: processes that have it mapped keep it, nobody can open it any more, and the
   * memory goes when the last mapping closes. On Windows a mapping has no name apart from its
   * handles: it goes when the last process closes it, and this does nothing.
   */
  unlink(name: string): void
  /** Where the segment of a name can be seen in the file system, if it can (Linux: /dev/shm/<name>). */
  pathOf(name: string): string | null
  /** The longest name this OS takes (macOS: 31 bytes with the leading slash). */
  readonly maxNameLength: number
}

/** An OS error with its errno-style code, as Node's own errors carry it. */
export class SharedMemoryError extends Error {
  override name = 'SharedMemoryError'
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message)
  }
}
