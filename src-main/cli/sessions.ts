// `proclab sessions`: the recorded sessions, numbered newest first (the numbers `proclab export`
// takes), each with when it started, what it ran and how that ended, and its size.
import { basename } from 'node:path'
import { parseArgs } from 'node:util'
import type { RunSummary } from '../../src-shared/contract'
import { scanRuns, SCAN_LIMIT_BYTES, summarizeRun, type RunDetail, type SessionListing } from '../session'
import { numberedSessions, sessionsFolder } from './session-ref'

/** Runs named on a session's line; past that, how many more. */
const RUNS_SHOWN = 3
/** Characters of a failed run's error shown on its line (--json has all of it). */
const ERROR_SHOWN = 60

/** A run as listed: the summary the Sessions tab shows too, with the script's path and the title. */
interface ListedRun extends RunSummary {
  source: string | null
  title: string
}

interface ListedSession extends SessionListing {
  number: number
  /** The file's name, which `proclab export` also takes. */
  id: string
  startedAtWall: number | null
  /** null when the file is too big to scan (or unreadable). */
  runs: ListedRun[] | null
}

export async function sessionsCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, dir: { type: 'string' } }, strict: true })
  const dir = await sessionsFolder(values.dir)
  const sessions = await describeAll(await numberedSessions(dir))
  if (values.json) {
    process.stdout.write(`${JSON.stringify(sessions)}\n`)
    return 0
  }
  if (sessions.length === 0) {
    process.stdout.write(`no sessions recorded in ${dir}\n`)
    return 0
  }
  process.stdout.write(`${sessions.length} session${sessions.length === 1 ? '' : 's'} in ${dir}, newest first; \`proclab export N\` exports number N.\n\n`)
  const width = String(sessions.length).length
  process.stdout.write(`${'#'.padStart(width)}  ${'started'.padEnd(19)}  ${'size'.padStart(8)}  ran\n`)
  for (const session of sessions) {
    const started = session.startedAtWall === null ? '?' : localDateTime(session.startedAtWall)
    process.stdout.write(`${String(session.number).padStart(width)}  ${started.padEnd(19)}  ${formatSize(session.size).padStart(8)}  ${whatRan(session)}\n`)
  }
  return 0
}

async function describeAll(listings: SessionListing[]): Promise<ListedSession[]> {
  const described: ListedSession[] = []
  // One at a time: a scan reads the whole file, and sessions are mostly small.
  for (const [index, listing] of listings.entries()) {
    const scannable = listing.header !== null && listing.size <= SCAN_LIMIT_BYTES
    const runs = scannable ? await scanRuns(listing.file).then((scan) => scan.details.map(listRun), () => null) : null
    described.push({ ...listing, number: index + 1, id: basename(listing.file), startedAtWall: listing.header?.startedAtWall ?? null, runs })
  }
  return described
}

function listRun(run: RunDetail): ListedRun {
  // The whole error here: --json keeps all of it, the table cuts its own.
  return { ...summarizeRun(run), error: run.error, source: run.source, title: run.title }
}

function whatRan(session: ListedSession): string {
  if (session.header === null) return `not readable: ${session.error ?? 'unknown reason'}`
  if (session.runs === null) return `runs not listed: the file is over ${SCAN_LIMIT_BYTES / 1024 / 1024} MiB`
  if (session.runs.length === 0) return 'nothing ran'
  const shown = session.runs.slice(0, RUNS_SHOWN).map(describeRun)
  const more = session.runs.length - shown.length
  return `${shown.join(' · ')}${more > 0 ? ` · +${more} more` : ''}`
}

function describeRun(run: ListedRun): string {
  const what = run.kind === 'unknown' ? run.name : `${run.kind} ${run.name}`
  const time = run.seconds === null ? '' : ` in ${run.seconds.toFixed(1)} s`
  if (run.result === 'failed') return `${what}: failed${time}${run.error ? ` (${cut(run.error.split('\n')[0]!, ERROR_SHOWN)})` : ''}`
  if (run.result === 'unfinished') return `${what}: no end recorded`
  return `${what}: ${run.result}${time}`
}

function cut(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text
}

/** 2025-01-31 14:05:09, on this machine's clock. */
function localDateTime(wall: number): string {
  const date = new Date(wall)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KiB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
}
