// Windows: no signals but TerminateProcess, no process groups, a named pipe for the broker, data
// under %APPDATA%. The process table comes from systeminformation until a native sampler lands.
import { homedir } from 'node:os'
import { win32 as path } from 'node:path'
import { APP_FOLDER, foldersIn } from './folders'
import type { Platform } from './types'

export const win32: Platform = {
  name: 'win32',
  title: 'Windows',
  // The roaming application data folder, where Electron's userData is too.
  dataFolders: (env = process.env, home = homedir()) => foldersIn(path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), APP_FOLDER), 'win32'),
  formerDataFolders: () => [],
}
