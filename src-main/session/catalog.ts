// What the Sessions tab lists: each session file with its header, size, event count and runs.
// Counting needs a pass over the file, so only files up to SCAN_LIMIT_BYTES are scanned (and the
// result is kept until the file changes); bigger ones get an estimate from their size.
import { basename, join } from 'node:path'
import { SESSION_ID_PATTERN, type SessionInfo, type SessionRunInfo } from '../../src-shared/contract'
import { runEndStopped } from '../../src-shared/events'
import { listSessions, mapLimit, type SessionListing } from './files'
import { MAX_LINE_BYTES, readChunks } from './lines'
import { summarizeRun } from './run-summary'

/** Files up to this size are scanned for the listing (~0.1 s for 64 MiB here). */
export const SCAN_LIMIT_BYTES = 64 * 1024 * 1024
/**
 * Bytes one listing may scan beyond what it has cached: a folder of hundreds of sessions is listed
 * in about a second, and the counts the budget left out (estimated for now) fill in on later listings.
 */
export const SCAN_BUDGET_BYTES = 64 * 1024 * 1024
/** Bytes per line assumed by the estimate when a file is too big to scan (a typical event line). */
const ESTIMATED_LINE_BYTES = 150

interface Scan {
  events: number
  runs: SessionRunInfo[]
  /** The same runs with what the contract's listing leaves out: what each ran and why it failed. */
  details: RunDetail[]
}

/** A run as the command line lists it: the listing's fields, its script's path and its error. */
export interface RunDetail extends SessionRunInfo {
  /** What it ran: run.start's source, a script's path (a scenario's is its own script); null if unknown. */
  source: string | null
  /** run.end's error when it failed. */
  error: string | null
}

export class SessionCatalog {
  /** Scans by file, valid while size and mtime stay the same. */
  private readonly scans = new Map<string, { size: number; mtimeMs: number; scan: Scan }>()

  constructor(
    readonly dir: string,
    private readonly currentFile: () => string | null,
  ) {}

  async list(): Promise<SessionInfo[]> {
    const listings = (await listSessions(this.dir)).filter((l) => SESSION_ID_PATTERN.test(idOf(l)))
    const budget = { bytes: SCAN_BUDGET_BYTES }
    // Newest first take the budget (listings are sorted so), a few files at a time.
    const infos = await mapLimit(listings, 8, (listing) => this.describe(listing, budget))
    for (const file of this.scans.keys()) if (!listings.some((l) => l.file === file)) this.scans.delete(file)
    return infos
  }

  /** The session file for an id (already checked against SESSION_ID_PATTERN by the contract). */
  fileOf(id: string): string {
    if (!SESSION_ID_PATTERN.test(id)) throw new Error(`not a session id: ${id}`)
    return join(this.dir, id)
  }

  isCurrent(id: string): boolean {
    return this.currentFile() === this.fileOf(id)
  }

  private async describe(listing: SessionListing, budget: { bytes: number }): Promise<SessionInfo> {
    const header = listing.header
    const base = {
      id: idOf(listing),
      size: listing.size,
      startedAtWall: header?.startedAtWall ?? null,
      version: header?.version ?? null,
      platform: header?.platform ?? null,
      format: header?.format ?? null,
      current: this.currentFile() === listing.file,
      error: listing.error,
    }
    if (!header) return { ...base, events: 0, eventsEstimated: false, runs: null, ran: null }
    const scan = listing.size <= SCAN_LIMIT_BYTES ? await this.scan(listing, budget) : null
    if (!scan) return { ...base, events: Math.round(listing.size / ESTIMATED_LINE_BYTES), eventsEstimated: true, runs: null, ran: null }
    return { ...base, events: scan.events, eventsEstimated: false, runs: scan.runs, ran: scan.details.map(summarizeRun) }
  }

  /** The cached scan if the file is unchanged, else a new one if the budget allows, else null. */
  private async scan(listing: SessionListing, budget: { bytes: number }): Promise<Scan | null> {
    const { file, size, modifiedAtWall } = listing
    const cached = this.scans.get(file)
    if (cached && cached.size === size && cached.mtimeMs === modifiedAtWall) return cached.scan
    if (size > budget.bytes) return null
    budget.bytes -= size
    const scan = await scanRuns(file)
    this.scans.set(file, { size, mtimeMs: modifiedAtWall, scan })
    return scan
  }
}

function idOf(listing: SessionListing): string {
  return basename(listing.file)
}

/**
 * Counts event lines and collects the runs. The bytes are searched, not decoded: newlines are
 * counted with Buffer.indexOf (memchr), and only the rare lines holding `"kind":"run.` are cut out
 * and parsed. That reads ~1 GB/s here, against ~50 MB/s for decoding and testing every line.
 */
export async function scanRuns(file: string): Promise<Scan> {
  const runs = new RunIndex(false)
  let newlines = 0
  let carry: Buffer | null = null
  // Inside a line longer than a session line may be: its bytes are passed over, not kept.
  let skipping = false
  let lastByte = NEWLINE
  for await (const chunk of readChunks(file)) {
    if (chunk.length > 0) lastByte = chunk[chunk.length - 1]!
    let data: Buffer = chunk
    if (skipping) {
      const next = chunk.indexOf(NEWLINE)
      if (next === -1) continue
      skipping = false
      newlines++
      data = chunk.subarray(next + 1)
    } else if (carry) {
      data = Buffer.concat([carry, chunk])
    }
    const end = data.lastIndexOf(NEWLINE)
    if (end !== -1) {
      newlines += countNewlines(data, end)
      for (const line of runLines(data, end)) runs.countLine(line)
    }
    // Copied: the chunk's buffer is reused for the next one.
    const rest = data.length - (end + 1)
    skipping = rest > MAX_LINE_BYTES
    carry = rest > 0 && !skipping ? Buffer.from(data.subarray(end + 1)) : null
  }
  if (carry) for (const line of runLines(Buffer.concat([carry, Buffer.from('\n')]), carry.length)) runs.countLine(line)
  // Lines after the header: a last line without its newline still counts.
  const lines = newlines + (lastByte === NEWLINE ? 0 : 1)
  return { events: Math.max(0, lines - 1), runs: runs.list(), details: runs.details() }
}

const NEWLINE = 0x0a
const RUN_KIND = Buffer.from('"kind":"run.')

function countNewlines(data: Buffer, end: number): number {
  let n = 0
  for (let at = data.indexOf(NEWLINE); at !== -1 && at <= end; at = data.indexOf(NEWLINE, at + 1)) n++
  return n
}

/** The lines (up to `end`) holding a run.start or run.end, decoded. */
function runLines(data: Buffer, end: number): string[] {
  const lines: string[] = []
  for (let at = data.indexOf(RUN_KIND); at !== -1 && at < end; at = data.indexOf(RUN_KIND, at + 1)) {
    const from = data.lastIndexOf(NEWLINE, at) + 1
    const to = data.indexOf(NEWLINE, at)
    lines.push(data.toString('utf8', from, to))
    at = to
  }
  return lines
}

/**
 * Runs of a session as its lines go by. Parsing every line would triple a scan's cost, so only
 * run.start and run.end lines are parsed; other lines count for their run by a cheap text match.
 */
export class RunIndex {
  private readonly runs = new Map<string, SessionRunInfo>()
  /** What list() leaves out, by run id. */
  private readonly extras = new Map<string, { source: string | null; error: string | null }>()

  /** countEvents: every event of the file goes through countEvent, so per-run counts are right. */
  constructor(private readonly countEvents: boolean) {}

  /** A run.start or run.end line of a listing scan (other lines are not seen there). */
  countLine(line: string): void {
    const event = safeParse(line)
    if (event && (event.kind === 'run.start' || event.kind === 'run.end')) this.countEvent(event)
  }

  countEvent(event: Record<string, unknown>): void {
    const runId = typeof event.runId === 'string' ? event.runId : null
    if (runId === null) return
    const t = typeof event.t === 'number' ? event.t : 0
    if (event.kind === 'run.start') {
      this.extras.set(runId, { source: typeof event.source === 'string' ? event.source : null, error: null })
      this.runs.set(runId, { runId, title: typeof event.title === 'string' ? event.title : runId, startT: t, endT: null, ok: null, stopped: false, events: this.countEvents ? 1 : null })
      return
    }
    let run = this.runs.get(runId)
    if (!run) {
      // Its run.start is missing (a damaged line, an edited file): the run still exists.
      run = { runId, title: runId, startT: t, endT: null, ok: null, stopped: false, events: this.countEvents ? 0 : null }
      this.runs.set(runId, run)
    }
    if (run.events !== null) run.events++
    if (event.kind === 'run.end') {
      run.endT = t
      run.ok = event.ok === true
      const error = typeof event.error === 'string' ? event.error : null
      run.stopped = runEndStopped({ stopped: typeof event.stopped === 'boolean' ? event.stopped : undefined, error })
      this.extras.set(runId, { source: this.extras.get(runId)?.source ?? null, error })
    }
  }

  list(): SessionRunInfo[] {
    return [...this.runs.values()]
  }

  details(): RunDetail[] {
    return this.list().map((run) => ({ ...run, source: null, error: null, ...this.extras.get(run.runId) }))
  }
}

function safeParse(line: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(line)
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null
  } catch {
    return null
  }
}
