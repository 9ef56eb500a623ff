// The durable session log. append() is called on the host's hot path (up to hundreds of
// thousands of events a second), so it only serialises and buffers; batches go to disk through
// one fd, one write at a time, at least every flushIntervalMs. A SIGKILL of the host therefore
// loses at most the events of the last interval plus the write in flight.
import { open, stat, unlink, type FileHandle } from 'node:fs/promises'
import type { LabEvent } from '../../src-shared/events'
import { makeHeader, type SessionHeader, type SessionHeaderInit } from './format'
import { fitLine } from './line-fit'

export const DEFAULT_MAX_BYTES = 1024 ** 3
export const DEFAULT_FLUSH_INTERVAL_MS = 50
const DEFAULT_HIGH_WATER_BYTES = 1024 * 1024
// Room kept under the cap for the session.capped line, so the file never exceeds maxBytes.
const CAP_RESERVE_BYTES = 1024
const MAX_SCRATCH_BYTES = 16 * 1024 * 1024

export interface RecorderOptions {
  /** Size cap of the file in bytes, header included. Default 1 GiB. */
  maxBytes?: number
  /** Longest an appended event waits in memory before its write starts. Default 50 ms. */
  flushIntervalMs?: number
  /** Buffered amount (in UTF-16 code units, close enough to bytes) that starts a write at once. */
  highWaterBytes?: number
  /**
   * Called once, on the first write error (a full disk, a file system gone read-only): recording
   * stops there, the file keeps every whole line written before it, and later events are counted
   * as dropped. Never retried: a disk that filled up does not empty itself.
   */
  onError?: (error: Error) => void
}

export interface RecorderStats {
  /** Events on disk (the session.capped line is not counted). */
  eventsWritten: number
  /** Bytes on disk, header and capped line included. */
  bytesWritten: number
  /** Events appended but not yet on disk. */
  eventsPending: number
  /** Events that will never reach the file: past the cap, after close, or after a write error. */
  dropped: number
  capped: boolean
  /** write(2) calls made for events: far fewer than events, by design. */
  writes: number
  /** Events recorded shortened (or as a note) because their line would have been too long to read back. */
  cut: number
  error: Error | null
}

export interface Recorder {
  readonly file: string
  readonly header: SessionHeader
  /** Queues one event. Never blocks and never throws. */
  append(event: LabEvent): void
  /** Resolves when every event appended before the call is on disk; rejects after a write error. */
  flush(): Promise<void>
  /** Flushes, syncs and closes the file. Safe to call twice. Later appends are counted as dropped. */
  close(): Promise<void>
  readonly stats: RecorderStats
}

/**
 * Creates the session file, readable by its owner only (it holds the lab's output), and writes its
 * header before resolving. The file must not exist yet: a log is never appended to by two
 * sessions. A device or a pipe is the exception (`--log /dev/null`, a FIFO someone reads): it holds
 * no earlier session. If the header cannot be written, the file made for it is removed again.
 */
export async function createRecorder(
  file: string,
  header: SessionHeaderInit | SessionHeader,
  options: RecorderOptions = {},
): Promise<Recorder> {
  const full = makeHeader(header)
  const { handle, created } = await openForRecording(file)
  const headerBytes = Buffer.from(JSON.stringify(full) + '\n', 'utf8')
  try {
    await writeAll(handle, headerBytes)
  } catch (error) {
    await handle.close().catch(() => {})
    if (created) await unlink(file).catch(() => {})
    throw error
  }
  return new FileRecorder(file, full, handle, headerBytes.length, options)
}

async function openForRecording(file: string): Promise<{ handle: FileHandle; created: boolean }> {
  try {
    return { handle: await open(file, 'ax', 0o600), created: true }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    const info = await stat(file).catch(() => null)
    if (info && (info.isCharacterDevice() || info.isFIFO())) return { handle: await open(file, 'a'), created: false }
    throw error
  }
}

class FileRecorder implements Recorder {
  private lines: string[] = []
  private pendingChars = 0
  /** flush() calls in progress: while any waits, the drain loop empties the buffer. */
  private forcing = 0
  private scratchBuffer = Buffer.alloc(0)
  private inFlight = 0
  private timer: NodeJS.Timeout | null = null
  private writing: Promise<void> | null = null
  private closing: Promise<void> | null = null
  private closed = false
  private eventsWritten = 0
  private bytesWritten: number
  private dropped = 0
  private capped = false
  private writes = 0
  private cut = 0
  private error: Error | null = null
  private readonly maxBytes: number
  private readonly interval: number
  private readonly highWater: number

  constructor(
    readonly file: string,
    readonly header: SessionHeader,
    private readonly handle: FileHandle,
    headerBytes: number,
    private readonly options: RecorderOptions,
  ) {
    this.bytesWritten = headerBytes
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES
    this.interval = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS
    this.highWater = options.highWaterBytes ?? DEFAULT_HIGH_WATER_BYTES
  }

  get stats(): RecorderStats {
    return {
      eventsWritten: this.eventsWritten,
      bytesWritten: this.bytesWritten,
      eventsPending: this.lines.length + this.inFlight,
      dropped: this.dropped,
      capped: this.capped,
      writes: this.writes,
      cut: this.cut,
      error: this.error,
    }
  }

  append(event: LabEvent): void {
    if (this.closed || this.capped || this.error) {
      this.dropped++
      return
    }
    let line: string
    try {
      const fitted = fitLine(event, JSON.stringify(event))
      line = fitted.line
      if (fitted.cut) this.cut++
    } catch {
      // A value JSON cannot hold (a BigInt, a cycle) must not take the host down.
      line = JSON.stringify({ seq: event.seq, t: event.t, runId: event.runId, kind: 'lab.error', message: `unserialisable ${String(event.kind).slice(0, 64)} event` })
    }
    this.lines.push(line)
    this.pendingChars += line.length + 1
    if (this.pendingChars >= this.highWater) {
      this.clearTimer()
      void this.startWrite()
    } else if (this.timer === null && this.writing === null) {
      this.armTimer()
    }
  }

  async flush(): Promise<void> {
    this.forcing++
    try {
      this.clearTimer()
      // Looping covers a drain that was just finishing when flush was called.
      while (this.lines.length > 0 || this.writing !== null) await this.startWrite()
    } finally {
      this.forcing--
    }
    if (this.error) throw this.error
  }

  close(): Promise<void> {
    this.closing ??= this.doClose()
    return this.closing
  }

  private async doClose(): Promise<void> {
    // Closed first: an append racing with the last write is then counted as dropped, not lost.
    this.closed = true
    await this.flush().catch(() => {})
    try {
      await this.handle.sync()
    } catch (error) {
      // Some files refuse fsync (a device, some file systems); the data is then in the OS cache,
      // which survives us. Any other failure means written data may not reach the disk.
      if (!FSYNC_UNSUPPORTED.has((error as NodeJS.ErrnoException).code ?? '')) this.fail(error, 0)
    }
    try {
      await this.handle.close()
    } catch (error) {
      this.fail(error, 0)
    }
    if (this.error) throw this.error
  }

  private readonly onTimer = (): void => {
    this.timer = null
    void this.startWrite()
  }

  private armTimer(): void {
    this.timer = setTimeout(this.onTimer, this.interval)
  }

  private clearTimer(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer)
      this.timer = null
    }
  }

  private startWrite(): Promise<void> {
    // One write at a time keeps lines in order under O_APPEND; the loop takes whatever
    // accumulated meanwhile, so batches grow with the load instead of the syscall count.
    this.writing ??= this.drain().finally(() => {
      this.writing = null
      // An append from a microtask that ran while the loop was finishing found `writing` set
      // and armed no timer; without this its events would wait for the next append.
      if (this.lines.length > 0 && this.timer === null && !this.closed) this.armTimer()
    })
    return this.writing
  }

  private async drain(): Promise<void> {
    // Below the high-water mark and with nobody waiting on flush(), the rest waits for the
    // timer, so a steady stream is written in batches of an interval each, not back to back.
    let first = true
    while (this.lines.length > 0 && (first || this.forcing > 0 || this.pendingChars >= this.highWater)) {
      first = false
      if (this.capped || this.error) {
        this.dropped += this.lines.length
        this.lines = []
        this.pendingChars = 0
        return
      }
      const batch = this.lines
      const chars = this.pendingChars
      this.lines = []
      this.pendingChars = 0
      this.clearTimer()
      this.inFlight = batch.length
      try {
        await this.writeBatch(batch, chars)
      } catch (error) {
        this.fail(error, batch.length)
      } finally {
        this.inFlight = 0
      }
    }
  }

  private async writeBatch(batch: string[], chars: number): Promise<void> {
    // Each line is encoded straight into one reused buffer: joining thousands of strings first
    // (and encoding the result) measured ~15x slower, mostly for lines holding non-Latin text.
    const buffer = this.scratch(chars * 3 + CAP_RESERVE_BYTES)
    const room = this.maxBytes - CAP_RESERVE_BYTES - this.bytesWritten
    let used = 0
    let kept = 0
    for (; kept < batch.length; kept++) {
      const end = used + buffer.write(batch[kept]!, used, 'utf8')
      if (end + 1 > room) break
      buffer[end] = 0x0a
      used = end + 1
    }
    if (kept < batch.length) used += this.capMarker(batch, kept, buffer, used)
    let landed = 0
    try {
      landed = await writeAll(this.handle, buffer.subarray(0, used))
    } catch (error) {
      const onDisk = Math.min(kept, await this.keepWholeLines(buffer, (error as PartialWrite).landed ?? 0))
      this.eventsWritten += onDisk
      this.fail(error, kept - onDisk)
      return
    }
    this.writes++
    this.bytesWritten += landed
    this.eventsWritten += kept
  }

  /**
   * After a failed write (the disk filled up mid-batch): cuts the file back to the end of the last
   * whole line that reached it, so the file stays a readable session. Returns how many lines
   * of the batch are on disk.
   */
  private async keepWholeLines(buffer: Buffer, landed: number): Promise<number> {
    const whole = landed === 0 ? 0 : buffer.subarray(0, landed).lastIndexOf(0x0a) + 1
    if (whole < landed) await this.handle.truncate(this.bytesWritten + whole).catch(() => {})
    let lines = 0
    for (let at = buffer.indexOf(0x0a); at !== -1 && at < whole; at = buffer.indexOf(0x0a, at + 1)) lines++
    this.bytesWritten += whole
    return lines
  }

  private scratch(size: number): Buffer {
    // One write is in flight at a time, so a single buffer can be reused; an outsized batch
    // gets its own so the recorder does not keep a huge buffer alive afterwards.
    if (size > MAX_SCRATCH_BYTES) return Buffer.allocUnsafe(size)
    if (this.scratchBuffer.length < size) this.scratchBuffer = Buffer.allocUnsafe(Math.max(size, 2 * this.scratchBuffer.length))
    return this.scratchBuffer
  }

  /** Writes the session.capped line at `at`; everything from batch[kept] on is dropped. */
  private capMarker(batch: string[], kept: number, buffer: Buffer, at: number): number {
    // The marker takes the first dropped event's place in the timeline.
    const first = safeParse(batch[kept]!)
    const marker = JSON.stringify({
      seq: typeof first?.seq === 'number' ? first.seq : -1,
      t: typeof first?.t === 'number' ? first.t : 0,
      runId: typeof first?.runId === 'string' && first.runId.length <= 200 ? first.runId : null,
      kind: 'session.capped',
      maxBytes: this.maxBytes,
      message: `the session log reached its size cap of ${this.maxBytes} bytes; later events were not recorded`,
    })
    this.capped = true
    this.dropped += batch.length - kept
    const end = at + buffer.write(marker, at, 'utf8')
    buffer[end] = 0x0a
    return end + 1 - at
  }

  private fail(error: unknown, lost: number): void {
    this.dropped += lost
    if (this.error) return
    this.error = error instanceof Error ? error : new Error(String(error))
    try {
      this.options.onError?.(this.error)
    } catch {
      // The report of a failure must not become a second one (in a timer, where nobody catches it).
    }
  }
}

/** fsync's answer for files that cannot be synced, as opposed to a sync that failed. */
const FSYNC_UNSUPPORTED = new Set(['EINVAL', 'ENOTSUP', 'EOPNOTSUPP', 'EROFS'])

/** A write error, with how many bytes of the buffer reached the file before it. */
interface PartialWrite extends Error {
  landed?: number
}

async function writeAll(handle: FileHandle, bytes: Buffer): Promise<number> {
  let offset = 0
  try {
    while (offset < bytes.length) {
      const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset)
      offset += bytesWritten
    }
  } catch (error) {
    if (error instanceof Error) (error as PartialWrite).landed = offset
    throw error
  }
  return offset
}

function safeParse(line: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(line)
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null
  } catch {
    return null
  }
}
