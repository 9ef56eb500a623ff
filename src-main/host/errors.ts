import type { ErrorCode, ErrorInfo } from '../../src-shared/contract'

/** A failed command, with a code a UI can act on and a message a person can read. */
export class HostError extends Error {
  override name = 'HostError'
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message)
  }

  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message }
  }
}

export function errorInfo(error: unknown): ErrorInfo {
  if (error instanceof HostError) return error.toInfo()
  const code = (error as { code?: unknown })?.code
  if (code === 'refused' || code === 'not-found' || code === 'failed') return { code, message: (error as Error).message }
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) }
}
