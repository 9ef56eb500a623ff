// The shell's log file: a desktop app started from Finder, the Dock or the Start menu has no
// terminal, so what it writes to stderr is lost. Lines are appended synchronously (the shell logs
// little, and a line written just before a crash must be on disk) to a file that never grows past
// its cap: at the cap it becomes `<file>.1`, replacing the one before, and a new file starts.
import { closeSync, fstatSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'

export const LOG_FILE_CAP_BYTES = 1024 * 1024

export class CappedLogFile {
  private fd: number | null = null
  private size = 0
  private broken = false

  /** `onError` hears the first failure; after it the file is left alone (stderr still has every line). */
  constructor(
    readonly path: string,
    private readonly maxBytes = LOG_FILE_CAP_BYTES,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  /** The previous file, kept when the current one reached its cap. */
  get previousPath(): string {
    return `${this.path}.1`
  }

  write(line: string): void {
    if (this.broken) return
    try {
      const bytes = this.encode(line)
      if (this.fd === null) this.open()
      if (this.size > 0 && this.size + bytes.length > this.maxBytes) this.rotate()
      writeSync(this.fd!, bytes)
      this.size += bytes.length
    } catch (error) {
      this.broken = true
      this.close()
      this.onError(error)
    }
  }

  close(): void {
    if (this.fd === null) return
    try {
      closeSync(this.fd)
    } catch {
      // Already unusable: nothing more to release.
    }
    this.fd = null
  }

  /** One line, newline-terminated; a line longer than the cap is cut so that it fits. */
  private encode(line: string): Buffer {
    const whole = Buffer.from(`${line}\n`)
    if (whole.length <= this.maxBytes) return whole
    // At most 4 bytes a character in UTF-8, so this many characters always fit with the mark.
    return Buffer.from(`${line.slice(0, Math.max(0, Math.floor(this.maxBytes / 4) - 4))}…\n`)
  }

  private open(): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 })
    this.fd = openSync(this.path, 'a', 0o600)
    this.size = fstatSync(this.fd).size
  }

  private rotate(): void {
    this.close()
    renameSync(this.path, this.previousPath)
    this.open()
  }
}
