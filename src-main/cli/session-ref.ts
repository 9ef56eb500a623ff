// Which session a command means: `latest`, a number as `proclab sessions` prints it (1 is the
// newest), a file name in the sessions folder (with or without .ndjson), or a path to a file.
import { stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { platform } from '../platform'
import { adoptFormerFolders, listSessions, SESSION_EXTENSION, type SessionListing } from '../session'

/** A session the user named that is not there: one line, no stack, exit 1. */
export class NoSuchSession extends Error {}

/**
 * The sessions folder a command lists: `--dir`, else ProcLab's own, into which the desktop app's
 * former sessions are moved first (notes about that go to stderr), so every command sees them.
 */
export async function sessionsFolder(dir: string | undefined): Promise<string> {
  if (dir !== undefined) return dir
  const { notes } = await adoptFormerFolders(platform.formerDataFolders(), platform.dataFolders())
  for (const note of notes) process.stderr.write(`proclab: an earlier version's session folder: ${note}\n`)
  return platform.dataFolders().sessions
}

/** The sessions as `proclab sessions` numbers them: index 0 is number 1, the newest. */
export function numberedSessions(dir: string): Promise<SessionListing[]> {
  return listSessions(dir)
}

/** The file a session argument names; throws NoSuchSession with what was tried. */
export async function resolveSession(ref: string, dir: string): Promise<string> {
  if (ref === 'latest' || /^\d+$/.test(ref)) return byPosition(ref, dir)
  if (await isFile(ref)) return ref
  // A bare name is looked up in the sessions folder; a path elsewhere is only itself.
  if (basename(ref) === ref) {
    for (const name of ref.endsWith(SESSION_EXTENSION) ? [ref] : [`${ref}${SESSION_EXTENSION}`, ref]) {
      const file = join(dir, name)
      if (await isFile(file)) return file
    }
    throw new NoSuchSession(`no session '${ref}': no such file here, nor in ${dir} (\`proclab sessions\` lists them; \`latest\` or a number picks one)`)
  }
  throw new NoSuchSession(`no session file ${ref}`)
}

async function byPosition(ref: string, dir: string): Promise<string> {
  const sessions = await numberedSessions(dir)
  if (sessions.length === 0) throw new NoSuchSession(`no sessions recorded in ${dir}`)
  if (ref === 'latest') return sessions[0]!.file
  const number = Number(ref)
  const chosen = number >= 1 ? sessions[number - 1] : undefined
  if (!chosen) {
    const range = sessions.length === 1 ? 'there is 1 (number 1)' : `there are ${sessions.length} (1 is the newest, ${sessions.length} the oldest)`
    throw new NoSuchSession(`no session number ${ref}: ${range}; \`proclab sessions\` lists them`)
  }
  return chosen.file
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}
