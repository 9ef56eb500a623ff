// An export written to the exports folder, as the UI's Export button asks for it. The file is
// written under a temporary name and renamed when complete, so the folder (and the web download
// route) never offers a half-written export.
import { createWriteStream, existsSync } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { exportSession, type ExportResult } from './export/export-session'
import type { EventFilter } from './export/filter'
import type { ExportFormat } from './export/types'

const EXTENSIONS: Record<ExportFormat, string> = { ndjson: '.ndjson', csv: '.csv', 'chrome-trace': '.trace.json' }

/**
 * Names of files in the exports folder: the session's name, the format, a millisecond stamp.
 * The web download route serves only names of this shape.
 */
export const EXPORT_NAME_PATTERN = /^session-[0-9TZ-]{20,40}-(?:ndjson|csv|chrome-trace)-\d{13}(?:-\d{1,3})?\.(?:ndjson|csv|trace\.json)$/

/** The exports folder that goes with a sessions folder: its sibling. */
export function exportsDirFor(sessionsDir: string): string {
  return join(dirname(sessionsDir), 'exports')
}

export function exportFileName(sessionId: string, format: ExportFormat, now = Date.now(), attempt = 0): string {
  const base = sessionId.replace(/\.ndjson$/, '')
  return `${base}-${format}-${now}${attempt > 0 ? `-${attempt}` : ''}${EXTENSIONS[format]}`
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
  const now = Date.now()
  for (let attempt = 0; attempt < 100; attempt++) {
    const name = exportFileName(sessionId, format, now, attempt)
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
  throw new Error(`could not find a free export file name in ${exportsDir}`)
}
