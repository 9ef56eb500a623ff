// An export written to the exports folder, as the UI's Export button asks for it. The file is
// written under a temporary name and renamed when complete, so the folder (and the web download
// route) never offers a half-written export.
import { createWriteStream, existsSync } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { scanRuns } from './catalog'
import { exportSession, type ExportResult } from './export/export-session'
import type { EventFilter } from './export/filter'
import type { ExportFormat } from './export/types'
import { openSession } from './reader'

const EXTENSIONS: Record<ExportFormat, string> = { ndjson: '.ndjson', csv: '.csv', 'chrome-trace': '.trace.json' }

/**
 * Names of files in the exports folder, now: what ran, when the session started (local time),
 * a counter if that name is taken, the format's extension — `join_2025-01-31_14-05-09.csv`.
 * Before: the session's file name, the format and the export's epoch milliseconds. The web
 * download route serves only names of these shapes; both keep to ASCII letters, digits, `-`
 * and `_` before the extension (no dots, no separators, nothing a header cannot carry).
 */
export const EXPORT_NAME_PATTERN = new RegExp(
  [
    /^[A-Za-z0-9_-]{1,60}_\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}(?:-\d{1,3})?\.(?:ndjson|csv|trace\.json)$/.source,
    /^session-[0-9TZ-]{20,40}-(?:ndjson|csv|chrome-trace)-\d{13}(?:-\d{1,3})?\.(?:ndjson|csv|trace\.json)$/.source,
  ].join('|'),
)

/** The exports folder that goes with a sessions folder: its sibling. */
export function exportsDirFor(sessionsDir: string): string {
  return join(dirname(sessionsDir), 'exports')
}

/** What an export's name is made of. */
export interface ExportNaming {
  /** What the session's runs ran, in order: scripts' paths (a scenario's is its own script). */
  sources: readonly string[]
  /** When the session started (its header's startedAtWall, ms since the epoch). */
  startedAtWall: number
}

/** Characters of a run's name kept in a file name. */
const RUN_NAME_LENGTH = 40

export function exportFileName({ sources, startedAtWall }: ExportNaming, format: ExportFormat, attempt = 0): string {
  return `${runsName(sources)}_${localStamp(new Date(startedAtWall))}${attempt > 0 ? `-${attempt}` : ''}${EXTENSIONS[format]}`
}

/**
 * A script's base name (a scenario's script is named by its id), `join`; for several runs the
 * first one's and how many others, `join-and-2-more`; `session` when nothing ran.
 */
function runsName(sources: readonly string[]): string {
  const names = [...new Set(sources.map(scriptName))]
  if (names.length === 0) return 'session'
  return names.length === 1 ? names[0]! : `${names[0]}-and-${names.length - 1}-more`
}

function scriptName(source: string): string {
  const base = source.split(/[\\/]/).pop()!.replace(/\.(?:[cm]?[jt]s|tsx|jsx)$/i, '')
  // Only ASCII letters and digits are kept (a script named 锁.mjs is 'script'): the name travels
  // in a download's HTTP header and in shells.
  const safe = base.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, RUN_NAME_LENGTH).replace(/-+$/, '')
  return safe || 'script'
}

/** 2025-01-31_14-05-09 in the machine's time zone: what the user's clock said. */
function localStamp(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}_${two(date.getHours())}-${two(date.getMinutes())}-${two(date.getSeconds())}`
}

/** The session's start and its runs' sources, for its exports' names. */
async function namingOf(sessionFile: string): Promise<ExportNaming> {
  const session = await openSession(sessionFile)
  await session.close()
  const { details } = await scanRuns(sessionFile)
  return { sources: details.flatMap((run) => (run.source === null ? [] : [run.source])), startedAtWall: session.header.startedAtWall }
}

export interface FolderExport {
  name: string
  path: string
  result: ExportResult
}

export async function exportToFolder(
  sessionFile: string,
  sessionId: string,
  format: ExportFormat,
  exportsDir: string,
  filter: EventFilter = {},
): Promise<FolderExport> {
  // Private, like the session it comes from (the host also fixes an older, wider one at start).
  await mkdir(exportsDir, { recursive: true, mode: 0o700 })
  const naming = await namingOf(sessionFile)
  for (let attempt = 0; attempt < 1000; attempt++) {
    const name = exportFileName(naming, format, attempt)
    const path = join(exportsDir, name)
    const partial = `${path}.partial`
    if (existsSync(path)) continue
    let out
    try {
      // 'wx': two exports in the same millisecond must not write into one file. 0600: it holds the lab's output.
      out = createWriteStream(partial, { flags: 'wx', mode: 0o600 })
      await new Promise<void>((resolve, reject) => {
        out!.once('open', () => resolve())
        out!.once('error', reject)
      })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue
      throw error
    }
    try {
      const result = await exportSession(sessionFile, format, out, { ...filter, onWarning: () => {} })
      await rename(partial, path)
      return { name, path, result }
    } catch (error) {
      out.destroy()
      await rm(partial, { force: true })
      throw error
    }
  }
  throw new Error(`could not find a free name in ${exportsDir} for an export of ${sessionId}`)
}
