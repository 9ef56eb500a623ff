// Starting an OS process that nobody reaps until its parent asks: the zombie lesson's one honest way
// to make a real zombie from Node. Node's child_process (libuv) waits for each child it spawned the
// moment it exits, so its children are never zombies for long. libuv waits by pid, for its own
// children only (never waitpid(-1)), so a child made with posix_spawnp through koffi is one libuv
// does not know of: once it exits it stays a zombie (state Z) until this process calls waitpid.
// posix_spawn, not fork: forking a running Node (its threads, its event loop) is not safe.
import { constants as fsConstants } from 'node:fs'
import { constants } from 'node:os'
import { loadKoffi, loadLibrary } from '../koffi'
import { signalExits } from '../exits'
import type { ExitStatus, UnreapedSpawning } from '../types'

type Spawnp = (pid: number[], file: string, actions: Buffer, attributes: null, argv: Array<string | null>, envp: Array<string | null>) => number
type Waitpid = (pid: number, status: number[], options: number) => number

/** waitpid's option to answer at once, 0, when the child is still running (1 on Linux and macOS alike). */
const WNOHANG = 1
/** How often reap() asks again while the child still runs: a zombie is reaped on the first ask. */
const REAP_POLL_MS = 20

interface Calls {
  spawnp: Spawnp
  waitpid: Waitpid
  actionsInit: (actions: Buffer) => number
  addDup2: (actions: Buffer, fd: number, newFd: number) => number
  addOpen: (actions: Buffer, fd: number, path: string, flags: number, mode: number) => number
  actionsDestroy: (actions: Buffer) => number
}

/** Room for a posix_spawn_file_actions_t, an opaque struct (80 bytes in glibc): more than enough. */
const ACTIONS_BYTES = 256

const exits = signalExits()

/** posix_spawnp and waitpid of the C library `libcName` (loaded on first use: koffi costs every lab process otherwise). */
export function unreapedSpawning(libcName: string): UnreapedSpawning {
  let calls: Calls | null = null
  const load = (): Calls => {
    if (!calls) {
      const libc = loadLibrary(libcName)
      calls = {
        spawnp: libc.func('int posix_spawnp(_Out_ int *pid, const char *file, void *actions, void *attributes, const char **argv, const char **envp)') as Spawnp,
        waitpid: libc.func('int waitpid(int pid, _Out_ int *status, int options)') as Waitpid,
        actionsInit: libc.func('int posix_spawn_file_actions_init(void *actions)') as Calls['actionsInit'],
        addDup2: libc.func('int posix_spawn_file_actions_adddup2(void *actions, int fd, int newfd)') as Calls['addDup2'],
        addOpen: libc.func('int posix_spawn_file_actions_addopen(void *actions, int fd, const char *path, int flags, unsigned int mode)') as Calls['addOpen'],
        actionsDestroy: libc.func('int posix_spawn_file_actions_destroy(void *actions)') as Calls['actionsDestroy'],
      }
    }
    return calls
  }
  return {
    spawn(command, args) {
      const calls = load()
      const pid = [0]
      const environment = Object.entries(process.env).map(([name, value]) => `${name}=${value ?? ''}`)
      const actions = Buffer.alloc(ACTIONS_BYTES)
      calls.actionsInit(actions)
      try {
        // Node marks its own stdout and stderr close-on-exec: dup2 of a descriptor onto itself
        // clears that in the child (POSIX 2024, glibc ≥ 2.29), so it prints where its parent does.
        calls.addOpen(actions, 0, '/dev/null', fsConstants.O_RDONLY, 0)
        calls.addDup2(actions, 1, 1)
        calls.addDup2(actions, 2, 2)
        const error = calls.spawnp(pid, command, actions, null, [command, ...args, null], [...environment, null])
        if (error !== 0) throw new Error(`could not start ${command}: ${errnoName(error)}`)
      } finally {
        calls.actionsDestroy(actions)
      }
      return pid[0]!
    },
    reap(pid) {
      const { waitpid } = load()
      // Asked with WNOHANG, again until the child has ended: a blocking waitpid would hold the event
      // loop, or (koffi's async calls) one of libuv's four pool threads, which file I/O needs, for
      // as long as the child runs.
      return new Promise<ExitStatus>((resolve, reject) => {
        const ask = (): void => {
          const status = [0]
          const result = waitpid(pid, status, WNOHANG)
          if (result === pid) resolve(decodeWaitStatus(status[0]!))
          else if (result === 0) setTimeout(ask, REAP_POLL_MS)
          else reject(new Error(`waitpid(${pid}) failed (${errnoName(loadKoffi().errno())}): pid ${pid} is not an unreaped child of this process`))
        }
        ask()
      })
    },
  }
}

/** A wait status as Python reports it: the exit code, or minus the signal that ended the process. */
export function decodeWaitStatus(status: number): ExitStatus {
  const signalNumber = status & 0x7f
  if (signalNumber === 0) return exits.fromNode((status >> 8) & 0xff, null)
  const name = (Object.keys(constants.signals) as NodeJS.Signals[]).find((signal) => constants.signals[signal] === signalNumber)
  return name ? exits.fromNode(null, name) : { exitCode: -signalNumber, signal: null }
}

function errnoName(code: number): string {
  const name = Object.entries(constants.errno).find(([, number]) => number === code)?.[0]
  return name ? `${name} (${code})` : `error ${code}`
}
