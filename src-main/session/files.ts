// How session logs are named and found again, without reading more than their first line. Where
// they live is the platform's call (platform.dataFolders()).
import { chmod, open, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { parseHeader, SessionFormatError, type SessionHeader } from './format'

export const SESSION_EXTENSION = '.ndjson'

/** A file name that sorts by start time and cannot collide between two hosts started together. */
export function sessionFileName(startedAtWall: number, hostPid: number): string {
  const stamp = new Date(startedAtWall).toISOString().replace(/[:.]/g, '-')
  return `session-${stamp}-${hostPid}${SESSION_EXTENSION}`
}

/**
 * Makes one of ProcLab's own folders (sessions, exports) private, 0700, if it exists with wider
 * rights and belongs to this user: the files in it hold the lab's output, and versions before
 * this one made the folders readable by all. POSIX only; a missing folder is made private when
 * it is first needed. Failing to fix it is no reason to fail anything else.
 */
export async function makeFolderPrivate(dir: string): Promise<void> {
  if (typeof process.getuid !== 'function') return
  try {
    const info = await stat(dir)
    if (info.isDirectory() && info.uid === process.getuid() && (info.mode & 0o077) !== 0) await chmod(dir, 0o700)
  } catch {
    // Absent, or not ours to change.
  }
}

export interface SessionListing {
  file: string
  size: number
  modifiedAtWall: number
  /** null when the file is not a readable session; `error` says why. */
  header: SessionHeader | null
  error: string | null
}

/**
 * Session files in a folder, newest first by start time; unreadable ones (foreign, newer format)
 * after them. A missing folder is an empty list.
 */
export async function listSessions(dir: string): Promise<SessionListing[]> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  // Many small files: read a few at a time, so the listing is not one disk round trip per file in a row.
  const found = await mapLimit(
    names.filter((name) => name.endsWith(SESSION_EXTENSION)),
    16,
    (name) => describeFile(join(dir, name)),
  )
  const listings = found.filter((listing): listing is SessionListing => listing !== null)
  return listings.sort((a, b) => {
    if ((a.header === null) !== (b.header === null)) return a.header === null ? 1 : -1
    return (b.header?.startedAtWall ?? b.modifiedAtWall) - (a.header?.startedAtWall ?? a.modifiedAtWall)
  })
}

async function describeFile(file: string): Promise<SessionListing | null> {
  let info
  try {
    info = await stat(file)
  } catch {
    return null // deleted between readdir and stat
  }
  if (!info.isFile()) return null
  let header: SessionHeader | null = null
  let error: string | null = null
  try {
    header = parseHeader(await readFirstLine(file), file)
  } catch (cause) {
    error = cause instanceof SessionFormatError ? cause.message : String(cause)
  }
  return { file, size: info.size, modifiedAtWall: info.mtimeMs, header, error }
}

/** Maps with at most `limit` calls in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await fn(items[index]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

/** The first line, if it ends within 64 KiB (a header is ~150 bytes). */
async function readFirstLine(file: string): Promise<string | undefined> {
  const handle = await open(file, 'r')
  try {
    const buffer = Buffer.alloc(64 * 1024)
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
    if (bytesRead === 0) return undefined
    const text = buffer.subarray(0, bytesRead).toString('utf8')
    const end = text.indexOf('\n')
    return (end === -1 ? text : text.slice(0, end)).replace(/^\uFEFF/, '').replace(/\r$/, '')
  } finally {
    await handle.close()
  }
}

/** "no space left on device (ENOSPC)" from Node's "ENOSPC: no space left on device, write". */
export function describeFsError(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException
  if (typeof message !== 'string') return String(error)
  const reason = code && message.startsWith(`${code}: `) ? message.slice(code.length + 2).replace(/, \w+(?: '.*')?$/, '') : message
  return code ? `${reason} (${code})` : reason
}
