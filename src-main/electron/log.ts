// The shell's log: stderr, one line per message, prefixed so it stands out from lab output.
export const log = {
  info(message: string): void {
    process.stderr.write(`[proclab] ${message}\n`)
  },
  warn(message: string): void {
    process.stderr.write(`[proclab] warning: ${message}\n`)
  },
  error(message: string, error?: unknown): void {
    const detail = error instanceof Error ? (error.stack ?? error.message) : error === undefined ? '' : String(error)
    process.stderr.write(`[proclab] error: ${message}${detail ? `\n${detail}` : ''}\n`)
  },
}
