// What the POSIX systems share: ProcLab's Linux, macOS and other-Unix modules are built from these.
import { posix } from 'node:path'
import { APP_FOLDER, foldersIn, xdgBase } from './folders'
import type { DataFolders } from './types'

/** Data under $XDG_DATA_HOME (default ~/.local/share): Linux and the other Unixes that follow XDG. */
export function xdgDataFolders(env: NodeJS.ProcessEnv, home: string): DataFolders {
  return foldersIn(posix.join(xdgBase(env, 'XDG_DATA_HOME', home, '.local/share'), APP_FOLDER), 'posix')
}
