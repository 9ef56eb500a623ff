// The shape of ProcLab's data folders, whichever OS decides where their root is.
import { posix, win32 } from 'node:path'
import type { DataFolders } from './types'

/** The name of ProcLab's folder in the user's data folder, on every OS. */
export const APP_FOLDER = 'proclab'

/** sessions/ and exports/ inside `root`, joined the way the OS joins paths (so tests of one OS run on another). */
export function foldersIn(root: string, style: 'posix' | 'win32'): DataFolders {
  const join = style === 'win32' ? win32.join : posix.join
  return { root, sessions: join(root, 'sessions'), exports: join(root, 'exports') }
}

/**
 * An XDG base directory: the variable if it holds an absolute path (the spec says a relative one is
 * invalid and must be ignored), else its default under the home folder.
 */
export function xdgBase(env: NodeJS.ProcessEnv, variable: 'XDG_DATA_HOME' | 'XDG_CONFIG_HOME', home: string, fallback: string): string {
  const value = env[variable]
  return value && posix.isAbsolute(value) ? value : posix.join(home, fallback)
}
