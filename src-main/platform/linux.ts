// Linux: everything read from /proc (the table, details, pid checks), POSIX signals, groups and
// watchdog, XDG data folders.
import { homedir } from 'node:os'
import { posix } from 'node:path'
import { APP_FOLDER, foldersIn, xdgBase } from './folders'
import { readProcRunTable, readStat } from './linux/pids'
import { procfsTable } from './linux/table'
import { threadGroupOf } from './linux/thread-group'
import { UserNames } from './linux/user-names'
import { posixExits, posixLab, posixSignals, xdgDataFolders } from './posix'
import { unreapedSpawning } from './posix/unreaped'
import type { DataFolders, Platform } from './types'
import { accountName } from './user'

/**
 * Where the desktop app kept its sessions before issue 13: Electron's userData, which on Linux is
 * under $XDG_CONFIG_HOME (default ~/.config), while the CLI kept them under $XDG_DATA_HOME.
 */
function electronUserDataFolders(env: NodeJS.ProcessEnv, home: string): DataFolders {
  return foldersIn(posix.join(xdgBase(env, 'XDG_CONFIG_HOME', home, '.config'), APP_FOLDER), 'posix')
}

export const linux: Platform = {
  name: 'linux',
  title: 'Linux',
  hasFork: true,
  hasAppMenu: false,
  appOutlivesWindows: false,
  shortcutKey: 'Ctrl',
  electronChildrenUseHelper: false,
  processes: procfsTable('/proc'),
  // The sampler names uids from /etc/passwd (a number when absent there), so "only my processes"
  // compares like with like: the same lookup, not getpwuid, which may also ask NSS.
  userName: () => (typeof process.getuid === 'function' ? new UserNames('/etc/passwd').name(process.getuid()) : accountName()),
  // A thread's id is judged as its process, which is what kill(2) would reach.
  signals: posixSignals((pid) => threadGroupOf(pid)),
  exits: posixExits,
  lab: posixLab({ identify: (pid) => readStat(String(pid)), runTable: readProcRunTable }, unreapedSpawning('libc.so.6')),
  dataFolders: (env = process.env, home = homedir()) => xdgDataFolders(env, home),
  formerDataFolders: (env = process.env, home = homedir()) => [electronUserDataFolders(env, home)],
}
