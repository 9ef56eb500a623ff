// Ends a run's processes when the host cannot: after a SIGKILL, a crash or an OOM kill of the host.
//
// Why a watchdog process. Lab processes also end themselves when the broker socket closes, but
// only when their event loop turns: a busy loop or a blocking call never notices. So something
// that runs no user code must do it. Choices weighed (measured on the 2-core dev machine):
// - PR_SET_PDEATHSIG in each lab process fires when its *parent* dies, so an orphan would die with
//   its lab parent: the tutorial's orphan lesson (a child outlives its parent) would be false.
//   Node cannot call prctl without an FFI dependency either.
// - The host as a child subreaper keeps orphans under the host while it lives, but does nothing once
//   the host is dead (they go to pid 1), and Node reaps only the children it spawned itself, so
//   adopted zombies would pile up in the host.
// - A watchdog thread in every lab process costs each process a worker (measured: ~110 ms before it
//   is ready, ~9.8 MB RSS; a lab process starts in ~70 ms), and its kill of its own process does
//   not reach the process's raw OS children.
// - One small process per host, outside every run's process group, that holds the only other end
//   of a pipe from the host: when the host dies, however it dies, the kernel closes the host's end
//   and the watchdog reads EOF. It then SIGKILLs the process group of each run it was told about
//   (the lab main leads one; lab children and their raw OS children are in it), and every process
//   below a member (one that left the group with setsid or `detached: true`, while its parent lives).
//   `/bin/sh` costs ~1.7 MB RSS and ~1.5 ms to be ready; the same in Node costs ~42 MB and ~63 ms.
//   That is the choice. The host's end of a stdio pipe is close-on-exec, so no lab process holds it.
// What it cannot catch: a process that left the run's group *and* whose parent in the run had
// already ended before the host died (it was adopted by pid 1 and nothing links it to the run).
// Windows has no process groups and no /bin/sh: its guard is a job object (see win32.ts).
import { spawn, type ChildProcess } from 'node:child_process'
import type { HostDeathGuard } from '../types'

/**
 * Starts with the groups in PROCLAB_WATCHDOG_GROUPS, reads "+ <pgid>" / "- <pgid>" lines until EOF,
 * then freezes the watched groups (no more forks), lists every process below their members with
 * one `ps`, and SIGKILLs the groups and that list.
 * Ignores the signals a terminal or the System tab's polite kills send; only SIGKILL ends it early.
 */
const SCRIPT = `trap '' INT TERM HUP QUIT PIPE
groups=$PROCLAB_WATCHDOG_GROUPS
while read -r op id; do
  case $op in
    +) groups="$groups $id" ;;
    -) rest=; for g in $groups; do [ "$g" = "$id" ] || rest="$rest $g"; done; groups=$rest ;;
  esac
done
[ -n "$groups" ] || exit 0
for g in $groups; do kill -s STOP -- "-$g" 2>/dev/null; done
pids=$(ps -A -o pid= -o ppid= -o pgid= 2>/dev/null | awk -v groups="$groups" '
  BEGIN { n = split(groups, g, " "); for (i = 1; i <= n; i++) seed[g[i]] = 1 }
  { pid[NR] = $1; ppid[NR] = $2; if ($3 in seed) mark[$1] = 1 }
  END {
    do { grew = 0; for (i = 1; i <= NR; i++) if (!(pid[i] in mark) && (ppid[i] in mark)) { mark[pid[i]] = 1; grew = 1 } } while (grew)
    for (p in mark) print p
  }')
for g in $groups; do kill -s KILL -- "-$g" 2>/dev/null; done
[ -z "$pids" ] || kill -s KILL $pids 2>/dev/null
exit 0
`

/** A watchdog that dies within this long of its start is restarted after this long, not at once. */
const RESTART_BACKOFF_MS = 1000

/** Starts the watchdog shell; it restarts itself if it is killed, and reports trouble through `onTrouble`. */
export function startShellWatchdog(onTrouble: (message: string) => void): HostDeathGuard {
  return new ShellWatchdog(onTrouble)
}

class ShellWatchdog implements HostDeathGuard {
  private child: ChildProcess | null = null
  private readonly groups = new Set<number>()
  private closed = false
  private restartTimer: NodeJS.Timeout | null = null

  constructor(private readonly onTrouble: (message: string) => void) {
    this.start()
  }

  get pid(): number | null {
    return this.child?.pid ?? null
  }

  watch(group: number): void {
    this.groups.add(group)
    this.send(`+ ${group}\n`)
  }

  unwatch(group: number): void {
    if (this.groups.delete(group)) this.send(`- ${group}\n`)
  }

  close(): void {
    this.closed = true
    if (this.restartTimer) clearTimeout(this.restartTimer)
    this.child?.stdin?.end()
  }

  private send(line: string): void {
    const stdin = this.child?.stdin
    if (stdin && !stdin.destroyed) stdin.write(line)
  }

  private start(): void {
    const startedAt = Date.now()
    const child = spawn('/bin/sh', ['-c', 'eval "$PROCLAB_WATCHDOG"'], {
      // Its own session: a Ctrl-C or a kill of the host's process group must leave it to do its job.
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
      argv0: 'proclab-watchdog',
      // A replacement learns the groups at birth: the host may be killed before it could write them.
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', PROCLAB_WATCHDOG: SCRIPT, PROCLAB_WATCHDOG_GROUPS: [...this.groups].join(' ') },
    })
    this.child = child
    let gone = false
    const onGone = (why: string, retry: boolean) => {
      if (gone) return
      gone = true
      if (this.child === child) this.child = null
      if (this.closed) return
      if (!retry) {
        // No shell to run it (a stripped container): say so once rather than retry every second.
        this.closed = true
        return this.onTrouble(`the lab's watchdog ${why}: a lab process that is busy when the host dies may outlive it`)
      }
      // Only SIGKILL (from outside ProcLab: the System tab refuses) or a broken shell ends it early.
      this.onTrouble(`the lab's watchdog ${why}; starting another`)
      const wait = Date.now() - startedAt < RESTART_BACKOFF_MS ? RESTART_BACKOFF_MS : 0
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null
        if (!this.closed) this.start()
      }, wait)
      this.restartTimer.unref()
    }
    child.once('error', (error) => onGone(`could not start /bin/sh (${error.message})`, false))
    child.once('exit', (code, signal) => onGone(`ended (${signal ?? `code ${String(code)}`})`, true))
    child.stdin?.on('error', () => undefined) // EPIPE when it died: 'exit' says so
    // Neither the watchdog nor its pipe keeps the host alive.
    child.unref()
    ;(child.stdin as unknown as { unref?: () => void } | null)?.unref?.()
  }
}
