import { readFileSync } from 'node:fs'

/** uid -> name from an /etc/passwd-format text. */
export function parsePasswd(text: string): Map<number, string> {
  const names = new Map<number, string>()
  for (const line of text.split('\n')) {
    if (line.length === 0 || line.startsWith('#')) continue
    const [name, , uid] = line.split(':')
    const id = Number(uid)
    // The first entry wins, as getpwuid() does when two names share a uid.
    if (name && uid !== undefined && uid !== '' && Number.isInteger(id) && !names.has(id)) names.set(id, name)
  }
  return names
}

/**
 * User names for uids, read from /etc/passwd and cached. A uid we do not know triggers at most one
 * re-read per `refreshMs` (a user may have been added); users only known to NSS (LDAP, systemd-homed)
 * are shown as their number, as ps does when it cannot resolve one.
 */
export class UserNames {
  private names = new Map<number, string>()
  private loadedAt = Number.NEGATIVE_INFINITY

  constructor(
    private readonly passwdPath = '/etc/passwd',
    private readonly refreshMs = 10_000,
  ) {}

  name(uid: number): string {
    let name = this.names.get(uid)
    if (name === undefined && performance.now() - this.loadedAt >= this.refreshMs) {
      this.load()
      name = this.names.get(uid)
    }
    return name ?? String(uid)
  }

  private load(): void {
    this.loadedAt = performance.now()
    try {
      this.names = parsePasswd(readFileSync(this.passwdPath, 'utf8'))
    } catch {
      // No readable passwd (minimal containers): numbers it is.
    }
  }
}
