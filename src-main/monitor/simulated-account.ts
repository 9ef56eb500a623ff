import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseStatusUid } from '../platform/linux/proc-stat'
import { UserNames } from '../platform/linux/user-names'
import type { HostAccount } from './signal-rule'

/**
 * Who the host is on a simulated machine: the uid of its self/status, as /proc/self is the reader
 * (fake-proc.ts writes it), named as the sampler names the processes' owners. Lets a test see what a
 * user who is not root sees whoever runs it; null where the simulation does not say.
 */
export function simulatedAccount(procRoot: string): HostAccount | null {
  let text: string
  try {
    text = readFileSync(join(procRoot, 'self', 'status'), 'utf8')
  } catch {
    return null
  }
  const uid = parseStatusUid(text)
  return uid === null ? null : { user: new UserNames().name(uid), isRoot: uid === 0 }
}
