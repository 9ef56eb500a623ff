// FreeBSD, OpenBSD, illumos and the rest: macOS's ways (ps, systeminformation, POSIX signals),
// with data in the XDG folders as on Linux. Nobody tests them; they must not break.
import { homedir } from 'node:os'
import { darwin } from './darwin'
import { xdgDataFolders } from './posix'
import { readPsParents, readPsStates } from './posix/ps'
import { siTable } from './si/table'
import type { Platform } from './types'

export function otherUnix(name: NodeJS.Platform): Platform {
  return {
    ...darwin,
    name,
    title: name,
    hasAppMenu: false,
    appOutlivesWindows: false,
    shortcutKey: 'Ctrl',
    electronChildrenUseHelper: false,
    // systeminformation's cpu there is a share of the machine, as on Linux; ps' own letters keep the BSDs' I (idle).
    processes: siTable({ shape: { cpuPerCore: false, wholeCommand: false, nice: true }, title: name, parentReader: () => readPsParents, stateLetters: readPsStates }),
    dataFolders: (env = process.env, home = homedir()) => xdgDataFolders(env, home),
  }
}
