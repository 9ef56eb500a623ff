// macOS: the process table from systeminformation until a libproc sampler lands, POSIX signals,
// groups and watchdog, data in ~/Library/Application Support.
import { homedir } from 'node:os'
import { posix } from 'node:path'
import { APP_FOLDER, foldersIn } from './folders'
import { posixExits, posixSignals } from './posix'
import type { Platform } from './types'

export const darwin: Platform = {
  name: 'darwin',
  title: 'macOS',
  signals: posixSignals(),
  exits: posixExits,
  // Where Electron's userData is too (app.getPath('appData') + the app's name).
  dataFolders: (_env = process.env, home = homedir()) => foldersIn(posix.join(home, 'Library', 'Application Support', APP_FOLDER), 'posix'),
  formerDataFolders: () => [],
}
