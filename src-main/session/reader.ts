// Streams a session log back. Memory stays flat whatever the file's size: one chunk of lines at
// a time. Damage is expected (the host may be SIGKILLed mid-write, a user may edit the file), so
// a bad line costs that line only; only a missing, foreign or newer header refuses the file.
import type { LabEvent } from '../../src-shared/events'
import { isRecord, nestsDeeperThan, parseHeader, SessionFormatError, MAX_NESTING, type SessionHeader } from './format'
import { MAX_LINE_BYTES, readLineBatches, type Line } from './lines'

export interface SessionWarning {
  file: string
  /** 1-based line number in the file (the header is line 1). */
  line: number
  kind: 'torn-last-line' | 'corrupt-line' | 'long-line'
  message: string
}

/**
 * Warnings a reader keeps: a damaged file can have millions of bad lines, and a warning per line
 * held in memory would cost more than the file. All are counted; the first ones are kept to show.
 */
export class WarningTally {
  static readonly KEPT = 100
  count = 0
  torn = false
  readonly first: SessionWarning[] = []

  constructor(private readonly forward?: (warning: SessionWarning) => void) {}

  readonly add = (warning: SessionWarning): void => {
    this.count++
    if (warning.kind === 'torn-last-line') this.torn = true
    if (this.first.length < WarningTally.KEPT) this.first.push(warning)
    this.forward?.(warning)
  }
}

export interface ReadOptions {
  /** Defaults to process.emitWarning, so a CLI user sees it on stderr. */
  onWarning?: (warning: SessionWarning) => void
}

export interface EventRecord {
  type: 'event'
  event: LabEvent
  /** 1-based line number in the file. */
  line: number
  /** The line as stored, for exporters that copy it unchanged. */
  raw: string
}

export type SessionRecord = { type: 'header'; header: SessionHeader } | EventRecord

export function emitSessionWarning(warning: SessionWarning): void {
  process.emitWarning(warning.message, 'SessionWarning')
}

/** Yields the header first, then every readable event in file order. */
export async function* readSession(file: string, options: ReadOptions = {}): AsyncGenerator<SessionRecord> {
  const session = await openSessionBatches(file, options)
  try {
    yield { type: 'header', header: session.header }
    for await (const batch of session.batches) yield* batch
  } finally {
    await session.close()
  }
}

export interface OpenSession {
  header: SessionHeader
  events: AsyncGenerator<EventRecord>
  /** Releases the file; needed only when `events` is not read to its end. */
  close(): Promise<void>
}

/** Reads the header at once (throwing SessionFormatError for a bad one), events on demand. */
export async function openSession(file: string, options: ReadOptions = {}): Promise<OpenSession> {
  const session = await openSessionBatches(file, options)
  async function* events(): AsyncGenerator<EventRecord> {
    for await (const batch of session.batches) yield* batch
  }
  return { header: session.header, events: events(), close: session.close }
}

export interface OpenSessionBatches {
  header: SessionHeader
  /** Events a chunk of the file at a time: the fast path for exporters. */
  batches: AsyncGenerator<EventRecord[]>
  close(): Promise<void>
}

export async function openSessionBatches(file: string, options: ReadOptions = {}): Promise<OpenSessionBatches> {
  const parser = new SessionParser(file, options.onWarning ?? emitSessionWarning)
  const source = readLineBatches(file)
  const close = async () => {
    await source.return(undefined)
  }
  let first: EventRecord[] = []
  try {
    while (parser.header === null) {
      const next = await source.next()
      if (next.done) {
        parser.end() // throws: a file without a complete header line
        break
      }
      first = parser.parse(next.value)
    }
  } catch (error) {
    await close()
    throw error
  }
  async function* batches(): AsyncGenerator<EventRecord[]> {
    if (first.length > 0) yield first
    for await (const lines of source) {
      const events = parser.parse(lines)
      if (events.length > 0) yield events
    }
    parser.end()
  }
  return { header: parser.header!, batches: batches(), close }
}

/** Whole session in memory: for tests and small sessions, never for exports. */
export async function loadSession(
  file: string,
): Promise<{ header: SessionHeader; events: LabEvent[]; warnings: SessionWarning[] }> {
  const warnings: SessionWarning[] = []
  const { header, batches } = await openSessionBatches(file, { onWarning: (w) => warnings.push(w) })
  const events: LabEvent[] = []
  for await (const batch of batches) for (const record of batch) events.push(record.event)
  return { header, events, warnings }
}

class SessionParser {
  header: SessionHeader | null = null
  private lineNo = 0
  // A line that fails to parse is only known to be torn (rather than corrupt) once no line follows it.
  private unparsed: { line: number; text: string } | null = null

  constructor(
    private readonly file: string,
    private readonly warn: (warning: SessionWarning) => void,
  ) {}

  parse(lines: Line[]): EventRecord[] {
    const events: EventRecord[] = []
    for (const text of lines) {
      const line = ++this.lineNo
      if (line === 1) {
        if (typeof text !== 'string') throw new SessionFormatError(`${this.file} is not a ProcLab session: its first line is ${text.bytes} bytes long, far too long for a session header`, this.file)
        this.header = parseHeader(text.replace(/^\uFEFF/, ''), this.file)
        continue
      }
      if (this.unparsed) {
        this.warn(corrupt(this.file, this.unparsed.line, this.unparsed.text))
        this.unparsed = null
      }
      if (typeof text !== 'string') {
        this.warn(tooLong(this.file, line, text.bytes))
        continue
      }
      if (text.trim() === '') continue
      const event = parseEvent(text)
      if (event) events.push({ type: 'event', event, line, raw: text })
      else this.unparsed = { line, text }
    }
    return events
  }

  end(): void {
    if (this.lineNo === 0) parseHeader(undefined, this.file)
    if (this.unparsed) {
      const { line } = this.unparsed
      this.unparsed = null
      this.warn({
        file: this.file,
        line,
        kind: 'torn-last-line',
        message: `${this.file}: the last line (line ${line}) is incomplete, probably cut by a crash while it was written; it was skipped`,
      })
    }
  }
}

function parseEvent(text: string): LabEvent | null {
  // Not an object: no need to have JSON.parse throw (a SyntaxError with its stack, per bad line).
  if (text[0] !== '{' && text.trimStart()[0] !== '{') return null
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return null
  }
  // Kinds this version does not know pass through: only the stamp every event has is checked.
  // JSON reads 1e400 as Infinity, which no later arithmetic should meet.
  if (!isRecord(value) || !Number.isFinite(value.seq) || !Number.isFinite(value.t) || typeof value.kind !== 'string') {
    return null
  }
  // Junk nested thousands deep parses, but would overflow the stack of every JSON.stringify after.
  if (nestsDeeperThan(text, value, MAX_NESTING)) return null
  return value as unknown as LabEvent
}

function tooLong(file: string, line: number, bytes: number): SessionWarning {
  return {
    file,
    line,
    kind: 'long-line',
    message: `${file}: line ${line} is ${bytes} bytes long, more than a session line may be (${MAX_LINE_BYTES} bytes); it was skipped unread`,
  }
}

function corrupt(file: string, line: number, text: string): SessionWarning {
  const preview = text.length > 60 ? `${text.slice(0, 60)}…` : text
  return {
    file,
    line,
    kind: 'corrupt-line',
    message: `${file}: line ${line} is not a valid event and was skipped (${JSON.stringify(preview)})`,
  }
}
