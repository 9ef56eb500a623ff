// Who runs a process and how it was started: what the process table does not carry. Reading it
// costs an OpenProcess and three or four calls, so it is read once per process (a pid and its
// CreateTime name one process for good) and account names once per SID.
import type { WindowsCalls } from './table-calls'
import type { NtProcess } from './process-info'
import { IDLE_PID, SYSTEM_PID, type ProcessIdentity } from './process-rows'

/** Task Manager's name for the kernel's own processes, which no token can be opened for. */
const KERNEL_USER = 'SYSTEM'

export class ProcessIdentities {
  private readonly byProcess = new Map<string, ProcessIdentity>()
  private readonly accounts = new Map<string, string>()

  constructor(private readonly calls: WindowsCalls) {}

  /** The identity of each process of a sample; those no longer in it are forgotten. */
  forSample(processes: readonly NtProcess[]): ProcessIdentity[] {
    const seen = new Set<string>()
    const out = processes.map((p) => {
      const key = `${p.pid}:${p.createTime}`
      seen.add(key)
      let identity = this.byProcess.get(key)
      if (!identity) {
        identity = this.read(p.pid)
        this.byProcess.set(key, identity)
      }
      return identity
    })
    for (const key of this.byProcess.keys()) if (!seen.has(key)) this.byProcess.delete(key)
    return out
  }

  /** One process's command line now (the shell's question about its own children). */
  commandLine(pid: number): string | null {
    const handle = this.calls.openProcess(pid)
    if (handle === null) return null
    try {
      return this.calls.commandLine(handle)
    } finally {
      this.calls.closeHandle(handle)
    }
  }

  private read(pid: number): ProcessIdentity {
    if (pid === IDLE_PID || pid === SYSTEM_PID) return { user: KERNEL_USER, command: null }
    const handle = this.calls.openProcess(pid)
    // Another user's process without the rights to open it (not elevated): its row stays, unnamed.
    if (handle === null) return { user: '', command: null }
    try {
      const sid = this.calls.tokenUserSid(handle)
      // Where the command line cannot be read (Windows before 8.1, Wine 8), the image's path says more than its name.
      return { user: sid ? this.account(sid) : '', command: this.calls.commandLine(handle) ?? this.calls.imagePath(handle) }
    } finally {
      this.calls.closeHandle(handle)
    }
  }

  private account(sid: Buffer): string {
    const key = sid.toString('hex')
    let name = this.accounts.get(key)
    if (name === undefined) {
      // A SID no account has (a deleted user, a capability SID): shown as the SID, as Windows' tools do.
      name = this.calls.accountName(sid) ?? sidText(sid)
      this.accounts.set(key, name)
    }
    return name
  }
}

/** A SID in its S-1-5-21-... spelling. */
export function sidText(sid: Buffer): string {
  const authority = sid.readUIntBE(2, 6)
  const parts = [`S-${sid[0]}-${authority}`]
  for (let i = 0; i < sid[1]!; i++) parts.push(String(sid.readUInt32LE(8 + 4 * i)))
  return parts.join('-')
}
