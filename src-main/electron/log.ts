// The shell's log: one line per message on stderr, prefixed so it stands out from lab output, and
// once the app knows its logs folder (logToFile), in a size-capped file there too. No electron
// import: index.ts passes the folder in.
import { CappedLogFile } from './log-file'

type Level = 'info' | 'warning' | 'error'

/** Lines logged before the file is known (start-up), written to it when it is. */
const EARLY_LINES_KEPT = 200

let file: CappedLogFile | null = null
const early: string[] = []
let stderrGuarded = false

function emit(level: Level, text: string): void {
  toStderr(`[proclab] ${level === 'info' ? '' : `${level}: `}${text}\n`)
  const line = `${new Date().toISOString()} ${level} ${text}`
  if (file) file.write(line)
  else if (early.length < EARLY_LINES_KEPT) early.push(line)
}

function toStderr(text: string): void {
  // A closed terminal (EPIPE) must not become an uncaught error in the main process: the file
  // still gets the line.
  if (!stderrGuarded) {
    stderrGuarded = true
    process.stderr.on('error', () => {})
  }
  try {
    process.stderr.write(text)
  } catch {
    // as above
  }
}

export const log = {
  info(message: string): void {
    emit('info', message)
  },
  warn(message: string): void {
    emit('warning', message)
  },
  error(message: string, error?: unknown): void {
    const detail = error instanceof Error ? (error.stack ?? error.message) : error === undefined ? '' : String(error)
    emit('error', `${message}${detail ? `\n${detail}` : ''}`)
  },
}

/**
 * From now on every line also goes to `path` (capped, see log-file.ts), with what was logged
 * before. A file that cannot be written is reported once on stderr; logging goes on there.
 */
export function logToFile(path: string, maxBytes?: number): CappedLogFile {
  file?.close()
  const opened = new CappedLogFile(path, maxBytes, (error) => {
    toStderr(`[proclab] warning: the log file ${path} cannot be written (${error instanceof Error ? error.message : String(error)}); logging to stderr only\n`)
  })
  file = opened
  for (const line of early.splice(0)) opened.write(line)
  return opened
}

/** The file the log goes to, or null before logToFile. */
export function logFilePath(): string | null {
  return file?.path ?? null
}
