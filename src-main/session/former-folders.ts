// Sessions and exports that an earlier version kept somewhere else are moved into today's folders,
// so the desktop app and the CLI list the same sessions (before issue 13 the app on Linux kept its
// own under ~/.config/proclab). Moving, not reading both: one folder to list, delete from and back
// up. A rename within one file system keeps a file that an older ProcLab is still recording into
// growing where it now lies; a file that cannot be renamed (another file system, rights) stays
// where it is, unchanged, and is named in a note.
import { mkdir, readdir, rename, rmdir, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { DataFolders } from '../platform'
import { EXPORT_NAME_PATTERN } from './export-file'
import { describeFsError, SESSION_EXTENSION } from './files'

/** What was moved, and a sentence for each file that could not be. */
export interface Adoption {
  moved: number
  notes: string[]
}

export async function adoptFormerFolders(former: readonly DataFolders[], current: DataFolders): Promise<Adoption> {
  const adoption: Adoption = { moved: 0, notes: [] }
  for (const old of former) {
    await moveFiles(old.sessions, current.sessions, (name) => name.endsWith(SESSION_EXTENSION), adoption)
    await moveFiles(old.exports, current.exports, (name) => EXPORT_NAME_PATTERN.test(name), adoption)
  }
  return adoption
}

async function moveFiles(from: string, to: string, wanted: (name: string) => boolean, adoption: Adoption): Promise<void> {
  if (resolve(from) === resolve(to)) return
  let names: string[]
  try {
    names = (await readdir(from)).filter(wanted)
  } catch {
    return // no such folder: nothing was ever kept there
  }
  if (names.length === 0) return
  await mkdir(to, { recursive: true, mode: 0o700 })
  for (const name of names) {
    const target = join(to, name)
    // Names hold a start time and a pid, so a clash means the same file was already moved (or copied by hand).
    if (await exists(target)) {
      adoption.notes.push(`${join(from, name)} was left where it is: ${target} already exists`)
      continue
    }
    try {
      await rename(join(from, name), target)
      adoption.moved++
    } catch (error) {
      // ENOENT: another host moved it first.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') adoption.notes.push(`${join(from, name)} could not be moved to ${to} (${describeFsError(error)}); it is still there`)
    }
  }
  // Empty now: nothing is kept there any more (and it is not ours to remove if anything else is in it).
  await rmdir(from).catch(() => undefined)
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}
