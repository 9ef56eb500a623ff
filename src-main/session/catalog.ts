// What the Sessions tab lists: each session file with its header, size, event count and runs.
// Counting needs a pass over the file, so only files up to SCAN_LIMIT_BYTES are scanned (and the
// result is kept until the file changes); bigger ones get an estimate from their size.
import { stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { SESSION_ID_PATTERN, type SessionInfo, type SessionRunInfo } from '../../src-shared/contract'
import { listSessions, type SessionListing } from './files'
import { readLineBatches } from './lines'

/** Files up to this size are scanned for the listing (~0.1 s for 16 MiB here). */
export const SCAN_LIMIT_BYTES = 16 * 1024 * 1024
/** Bytes per line assumed by the estimate when a file is too big to scan (a typical event line). */
const ESTIMATED_LINE_BYTES = 150

interface Scan {
  events: number
  runs: SessionRunInfo[]
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
    const infos: SessionInfo[] = []
    for (const listing of listings) infos.push(await this.describe(listing))
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

  private async describe(listing: SessionListing): Promise<SessionInfo> {
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
    if (!header) return { ...base, events: 0, eventsEstimated: false, runs: null }
    if (listing.size > SCAN_LIMIT_BYTES) {
      return { ...base, events: Math.round(listing.size / ESTIMATED_LINE_BYTES), eventsEstimated: true, runs: null }
    }
    const scan = await this.scan(listing.file, listing.size)
    return { ...base, events: scan.events, eventsEstimated: false, runs: scan.runs }
  }

  private async scan(file: string, size: number): Promise<Scan> {
    const info = await stat(file).catch(() => null)
    const mtimeMs = info?.mtimeMs ?? 0
    const cached = this.scans.get(file)
    if (cached && cached.size === size && cached.mtimeMs === mtimeMs) return cached.scan
    const scan = await scanRuns(file)
    this.scans.set(file, { size, mtimeMs, scan })
    return scan
  }
}

function idOf(listing: SessionListing): string {
  return basename(listing.file)
}

/** Counts event lines and collects the runs; only run.start/run.end lines are parsed. */
export async function scanRuns(file: string): Promise<Scan> {
  const runs = new RunIndex()
  let events = 0
  let first = true
  for await (const lines of readLineBatches(file)) {
    for (const line of lines) {
      if (first) {
        first = false
        continue
      }
      if (line.trim() === '') continue
      events++
      runs.countLine(line)
    }
  }
  return { events, runs: runs.list() }
}

/**
 * Runs of a session as its lines go by. Parsing every line would triple a scan's cost, so only
 * run.start and run.end lines are parsed; other lines count for their run by a cheap text match.
 */
export class RunIndex {
  private readonly runs = new Map<string, SessionRunInfo>()

  countLine(line: string): void {
    if (line.includes('"kind":"run.start"') || line.includes('"kind":"run.end"')) {
      const event = safeParse(line)
      if (event) this.countEvent(event)
      return
    }
    const runId = /"runId":"([^"\\]{1,64})"/.exec(line)?.[1]
    const run = runId === undefined ? undefined : this.runs.get(runId)
    if (run) run.events++
  }

  countEvent(event: Record<string, unknown>): void {
    const runId = typeof event.runId === 'string' ? event.runId : null
    if (runId === null) return
    const t = typeof event.t === 'number' ? event.t : 0
    if (event.kind === 'run.start') {
      this.runs.set(runId, { runId, title: typeof event.title === 'string' ? event.title : runId, startT: t, endT: null, ok: null, events: 1 })
      return
    }
    const run = this.runs.get(runId)
    if (!run) return
    run.events++
    if (event.kind === 'run.end') {
      run.endT = t
      run.ok = event.ok === true
    }
  }

  list(): SessionRunInfo[] {
    return [...this.runs.values()]
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
