// FreeBSD, OpenBSD, illumos and the rest: macOS's ways (ps, systeminformation, POSIX signals),
// with data in the XDG folders as on Linux. Nobody tests them; they must not break.
import { homedir } from 'node:os'
import { darwin } from './darwin'
import { xdgDataFolders } from './posix'
import type { Platform } from './types'

export function otherUnix(name: NodeJS.Platform): Platform {
  return {
    ...darwin,
    name,
    title: name,
    dataFolders: (env = process.env, home = homedir()) => xdgDataFolders(env, home),
  }
}
