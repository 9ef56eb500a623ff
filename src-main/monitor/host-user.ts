import { userInfo } from 'node:os'
import { UserNames } from './user-names'

/**
 * The name this process runs as, spelled the way the samplers spell `user`, so "only my processes"
 * compares like with like: on Linux the sampler names uids from /etc/passwd (a number when absent
 * there), so the same lookup is used here rather than getpwuid, which may also ask NSS.
 */
export function hostUserName(platform: NodeJS.Platform = process.platform, passwdPath = '/etc/passwd'): string {
  if (platform === 'linux' && typeof process.getuid === 'function') return new UserNames(passwdPath).name(process.getuid())
  try {
    return userInfo().username
  } catch {
    // No passwd entry at all (some containers): the uid is what ps would show.
    return typeof process.getuid === 'function' ? String(process.getuid()) : '?'
  }
}
