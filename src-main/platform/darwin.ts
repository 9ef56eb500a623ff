// macOS: the process table from libproc (darwin/table.ts; systeminformation where it cannot be
// called), POSIX signals, groups and watchdog, data in ~/Library/Application Support.
import { homedir } from 'node:os'
import { posix } from 'node:path'
import { darwinNativeTable } from './darwin/table'
import { APP_FOLDER, foldersIn } from './folders'
import { nativeOrFallback } from './native-table'
import { posixExits, posixLab, posixSignals } from './posix'
import { readPsParents, readPsRunTable, readPsStates } from './posix/ps'
import type { SiShape } from './si/sampler'
import { siTable } from './si/table'
import type { Platform } from './types'
import { accountName } from './user'

/** systeminformation passes on ps: %CPU per core, argv[0]'s basename apart from its path and arguments. */
export const DARWIN_SI_SHAPE: SiShape = { cpuPerCore: true, wholeCommand: false, nice: true }

export const darwin: Platform = {
  name: 'darwin',
  title: 'macOS',
  hasFork: true,
  hasAppMenu: true,
  appOutlivesWindows: true,
  shortcutKey: '⌘',
  electronChildrenUseHelper: true,
  // proc_listallpids + proc_pidinfo, as htop's DarwinProcessTable does; ps through systeminformation if not.
  processes: nativeOrFallback({
    native: () => darwinNativeTable(),
    fallback: () => siTable({ shape: DARWIN_SI_SHAPE, title: 'macOS', parentReader: () => readPsParents, stateLetters: readPsStates }),
  }),
  userName: accountName,
  signals: posixSignals(),
  exits: posixExits,
  // No /proc: pids are not checked (see LabSupport.identify), a run's members are found with ps.
  lab: posixLab({ identify: null, runTable: readPsRunTable }),
  // Where Electron's userData is too (app.getPath('appData') + the app's name).
  dataFolders: (_env = process.env, home = homedir()) => foldersIn(posix.join(home, 'Library', 'Application Support', APP_FOLDER), 'posix'),
  formerDataFolders: () => [],
}
