// Where a host's broker listens on POSIX: a socket in a directory of its own that only the user
// can enter (0700), so no other user can even reach it, whatever the umask; under XDG_RUNTIME_DIR
// where set, else the temp folder. The directory's name holds the host's pid: a later host removes
// the leftovers of hosts that died without cleaning up.
import { chmodSync, lstatSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { isAbsolute, join } from 'node:path'
import { exists } from '../deliver'
import type { BrokerAddress } from '../types'

const SOCKET_NAME = 'broker.sock'
const DIR_PATTERN = /^proclab-(\d+)-[A-Za-z0-9]{6}$/
/** Sockets of hosts from before the private directories, straight in the temp folder. */
const OLD_SOCKET_PATTERN = /^proclab-(\d+)-[0-9a-f]{12}\.sock$/
/** A Unix socket's path must fit sun_path: 108 bytes on Linux, 104 on macOS, with the NUL. */
const MAX_SOCKET_PATH = 100

export async function privateSocketAddress(): Promise<BrokerAddress> {
  const bases = brokerBases()
  // The temp folder too: hosts from before the private directories left their sockets there.
  for (const base of new Set([...bases, tmpdir()])) await removeLeftovers(base)
  let failure: unknown = null
  for (const base of bases) {
    try {
      const dir = mkdtempSync(join(base, `proclab-${process.pid}-`))
      // mkdtemp makes it 0700 less the umask; say 0700 outright (a umask could take the owner's bits).
      chmodSync(dir, 0o700)
      removeAtExit(dir)
      return { path: join(dir, SOCKET_NAME), dir }
    } catch (error) {
      // Not writable (a stale XDG_RUNTIME_DIR, say): the next folder will do.
      failure = error
    }
  }
  throw failure
}

/** The socket's own mode says what the directory already makes so: only the user. */
export function narrowSocket(address: BrokerAddress): void {
  chmodSync(address.path, 0o600)
}

/** Removes the host's own directory (on close; at exit if it was never closed). */
export function removeBrokerDir(dir: string): void {
  dirsToRemove.delete(dir)
  rmSync(dir, { recursive: true, force: true })
}

/**
 * Where the private directory may go, best first: the user's runtime folder if it is theirs, the
 * temp folder, /tmp; each only if a socket path in it fits.
 */
function brokerBases(): string[] {
  const runtime = process.env.XDG_RUNTIME_DIR
  const candidates = [runtime && isAbsolute(runtime) && ownedDirectory(runtime) ? runtime : null, tmpdir(), '/tmp']
  const fitting = candidates.filter((base): base is string => base !== null && join(base, `proclab-${process.pid}-XXXXXX`, SOCKET_NAME).length <= MAX_SOCKET_PATH)
  return [...new Set(fitting.length > 0 ? fitting : ['/tmp'])]
}

function ownedDirectory(path: string): boolean {
  try {
    const stat = statSync(path)
    return stat.isDirectory() && stat.uid === process.getuid?.()
  } catch {
    return false
  }
}

/**
 * Removes what hosts that died left in `base`: entries named for a pid that is gone, owned by this
 * user, whose socket no longer answers (a pid says little across pid namespaces; a socket that
 * accepts a connection is a live host's, whatever its pid). Directories are removed only if they
 * hold nothing but the socket.
 */
async function removeLeftovers(base: string): Promise<void> {
  let names: string[]
  try {
    names = readdirSync(base)
  } catch {
    return
  }
  const checks = names.map(async (name) => {
    const match = DIR_PATTERN.exec(name) ?? OLD_SOCKET_PATTERN.exec(name)
    if (!match || exists(Number(match[1]))) return
    const path = join(base, name)
    const isDir = DIR_PATTERN.test(name)
    if (!isLeftoverShape(path, isDir)) return
    if (await answers(isDir ? join(path, SOCKET_NAME) : path)) return
    rmSync(path, { recursive: true, force: true })
  })
  await Promise.all(checks)
}

function isLeftoverShape(path: string, isDir: boolean): boolean {
  try {
    const stat = lstatSync(path)
    if (stat.uid !== process.getuid?.()) return false
    if (!isDir) return stat.isSocket()
    return stat.isDirectory() && readdirSync(path).every((entry) => entry === SOCKET_NAME)
  } catch {
    return false
  }
}

/** Whether something accepts connections at this socket path; only a refusal or absence counts as no. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path)
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code !== 'ECONNREFUSED' && error.code !== 'ENOENT'))
  })
}

const dirsToRemove = new Set<string>()
let exitHookInstalled = false

/** A host that exits without closing its broker (process.exit, an uncaught error) still leaves nothing. */
function removeAtExit(dir: string): void {
  dirsToRemove.add(dir)
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const path of dirsToRemove) rmSync(path, { recursive: true, force: true })
  })
}
