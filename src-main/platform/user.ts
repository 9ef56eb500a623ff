import { userInfo } from 'node:os'

/** The account this process runs as, from the OS's user database; the uid when it has no entry (some containers). */
export function accountName(): string {
  try {
    return userInfo().username
  } catch {
    return typeof process.getuid === 'function' ? String(process.getuid()) : '?'
  }
}
