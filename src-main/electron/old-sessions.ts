// Versions of the app before this one kept their sessions in Electron's userData folder
// (~/.config/proclab/sessions on Linux), apart from the CLI's (~/.local/share/proclab/sessions):
// now the app and the CLI share one folder. At start the app moves what an older version left
// into it, so the Sessions tab and `proclab sessions` list it. A move never replaces a file; what
// cannot be moved stays where it was and is reported. No electron import here.
import { constants } from 'node:fs'
import { copyFile, lstat, mkdir, readdir, rename, rmdir, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'

export interface MoveReport {
  moved: string[]
  /** Files left in the old folder, each with why. */
  left: Array<{ name: string; why: string }>
}

/**
 * Moves the files of `oldDir` that `wanted` accepts into `newDir` (made 0700 if missing), then
 * removes `oldDir` if it is left empty. Nothing happens when `oldDir` is missing or is `newDir`
 * (the same folder under another spelling counts: macOS and Windows paths are case-insensitive).
 */
export async function moveOldFiles(oldDir: string, newDir: string, wanted: (name: string) => boolean = () => true): Promise<MoveReport> {
  const report: MoveReport = { moved: [], left: [] }
  const names = await filesIn(oldDir)
  if (names.length === 0 || (await sameFolder(oldDir, newDir))) return report
  const candidates = names.filter(wanted)
  if (candidates.length > 0) await mkdir(newDir, { recursive: true, mode: 0o700 })
  for (const name of candidates) {
    const why = await moveOne(join(oldDir, name), join(newDir, name))
    if (why === null) report.moved.push(name)
    else report.left.push({ name, why })
  }
  await rmdir(oldDir).catch(() => {})
  return report
}

/** Plain files in a folder; none when it is missing or unreadable. */
async function filesIn(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => entry.name)
  } catch {
    return []
  }
}

async function sameFolder(a: string, b: string): Promise<boolean> {
  try {
    const [x, y] = await Promise.all([stat(a), stat(b)])
    return x.dev === y.dev && x.ino === y.ino
  } catch {
    return false
  }
}

/** null when moved, else why not. */
async function moveOne(from: string, to: string): Promise<string | null> {
  if (await exists(to)) return `a file of that name is already in ${to}`
  try {
    await rename(from, to)
    return null
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') return reason(error)
  }
  // Another file system: copy (never over a file), then remove the original.
  try {
    await copyFile(from, to, constants.COPYFILE_EXCL)
  } catch (error) {
    return reason(error)
  }
  await unlink(from).catch(() => {})
  return null
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path)
    return true
  } catch {
    return false
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
