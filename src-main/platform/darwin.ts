// macOS: the process table from systeminformation until a libproc sampler lands, POSIX signals,
// groups and watchdog, data in ~/Library/Application Support.
import { homedir } from 'node:os'
import { posix } from 'node:path'
import { APP_FOLDER, foldersIn } from './folders'
import { posixExits, posixLab, posixSignals } from './posix'
import { readPsParents, readPsRunTable } from './posix/ps'
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
  // The seam for a libproc sampler (proc_listpids + proc_pidinfo, as htop's DarwinProcessTable does).
  processes: siTable({ shape: DARWIN_SI_SHAPE, title: 'macOS', parentReader: () => readPsParents }),
  userName: accountName,
  signals: posixSignals(),
  exits: posixExits,
  // No /proc: pids are not checked (see LabSupport.identify), a run's members are found with ps.
  lab: posixLab({ identify: null, runTable: readPsRunTable }),
  // Where Electron's userData is too (app.getPath('appData') + the app's name).
  dataFolders: (_env = process.env, home = homedir()) => foldersIn(posix.join(home, 'Library', 'Application Support', APP_FOLDER), 'posix'),
  formerDataFolders: () => [],
}
