// Who may be signalled from ProcLab. One rule, asked in two places: by the host before it sends a
// signal (signals.ts, which refuses), and by the monitor for every row it sends (rows.ts), so the
// System tab greys exactly the Kill buttons whose signal the host or the OS would refuse.
import type { SignalRefusal } from '../../src-shared/contract'

/** What makes a process untouchable whoever owns it. */
export interface ProtectedPids {
  /** The host's own pid. */
  hostPid: number
  /** ProcLab's other processes: the Electron shell's, the lab's watchdog. */
  protectedPids: ReadonlySet<number>
  /** The host's parent, grandparent, ...: ending one ends ProcLab. */
  ancestorPids: ReadonlySet<number>
}

/** Who the host runs as, for the ownership part of the rule. */
export interface HostAccount {
  /** Spelled as the process table spells a process's user (HelloInfo.user). */
  user: string
  /** root may signal any user's process; anyone else only their own (kill(2)'s EPERM). */
  isRoot: boolean
}

/** Why `pid` is never signalled from ProcLab, whoever owns it; null when nothing protects it. */
export function protectedBy(pid: number, pids: ProtectedPids): Exclude<SignalRefusal, 'other-user'> | null {
  if (pid === 1) return 'init'
  if (pid === pids.hostPid || pids.protectedPids.has(pid)) return 'proclab'
  if (pids.ancestorPids.has(pid)) return 'host-ancestor'
  return null
}

/**
 * Why this user may not signal the process `pid` owned by `user`, or null when they may: the
 * protections first, then ownership. An owner the platform could not name ('') is left to the
 * OS to decide, rather than greyed on a guess.
 */
export function signalRefusal(pid: number, user: string, pids: ProtectedPids, account: HostAccount): SignalRefusal | null {
  const protection = protectedBy(pid, pids)
  if (protection !== null) return protection
  if (account.isRoot || user === '' || user === account.user) return null
  return 'other-user'
}

/** Whether this process runs as root (uid 0); false where the OS has no uids (Windows). */
export function runsAsRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0
}
