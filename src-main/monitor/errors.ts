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
