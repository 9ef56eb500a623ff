// The error of every process operation (signal, details, the tree end), in terms a UI can act on.
// It is thrown by the OS modules here, which do the operations, and by the monitor, which checks
// them first; the host turns it into the contract's error codes.
import type { SignalOutcome } from '../../src-shared/contract'

/** What went wrong, in terms a UI can act on (a subset of the contract's ErrorCode). */
export type MonitorErrorCode = 'refused' | 'not-found' | 'failed'

export class MonitorError extends Error {
  override readonly name = 'MonitorError'
  constructor(
    readonly code: MonitorErrorCode,
    message: string,
  ) {
    super(message)
  }
}

/** Errors that mean "the process is gone", which a sampler must treat as normal, not as failure. */
export function isVanished(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code
  return code === 'ENOENT' || code === 'ESRCH'
}

/** One process of a tree that was not signalled, with the reason. */
export function failure(pid: number, err: unknown): SignalOutcome {
  if (err instanceof MonitorError) return { pid, ok: false, code: err.code, error: err.message }
  return { pid, ok: false, code: 'failed', error: err instanceof Error ? err.message : String(err) }
}
