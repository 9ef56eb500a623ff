// spawnUnreaped: an OS process that stays a zombie once it exits, until the lab process that
// started it calls reap(). Node reaps every child it spawns at once (libuv waits for them as soon
// as SIGCHLD comes), so a zombie never lasts long enough to see; the platform starts this one with
// posix_spawnp, out of libuv's sight (see platform/posix/unreaped.ts). The broker is told of the
// start and of the reaping, so the Lab tree shows the process under its parent, a zombie in between.
import { platform } from '../platform'
import { labContext } from './context'
import { ProcessError } from './errors'
import { monotonicMicros } from './protocol'

/** How an unreaped process ended, as its parent's waitpid reported it (Python's exitcode convention). */
export interface ReapedExit {
  /** The exit code, or minus the number of the signal that ended it. */
  exitCode: number
  signal: string | null
}

/** Whether this OS can make a real zombie: not on Windows (an ended process is gone once its handles close), nor yet on macOS. */
export const canSpawnUnreaped: boolean = platform.lab.unreaped !== null

export class UnreapedProcess {
  private reaping: Promise<ReapedExit> | null = null

  /** @internal Made by spawnUnreaped. */
  constructor(
    readonly pid: number,
    /** The program and its arguments, as started. */
    readonly command: string,
  ) {}

  /** Whether reap() has been called: after it resolves, the process is gone from the OS's table. */
  get reaped(): boolean {
    return this.reaping !== null
  }

  /**
   * waitpid: waits until the process has exited (at once if it is a zombie already; asked without
   * blocking, so this process goes on meanwhile),
   * collects its exit status, and so removes it from the process table. Once only, like waitpid.
   */
  reap(): Promise<ReapedExit> {
    if (this.reaping) return this.reaping
    const unreaped = platform.lab.unreaped!
    this.reaping = unreaped.reap(this.pid).then((status) => {
      labContext().channel.send({ op: 'os-reaped', pid: this.pid, exitCode: status.exitCode, signal: status.signal, at: monotonicMicros() })
      return { exitCode: status.exitCode, signal: status.signal }
    })
    return this.reaping
  }
}

/**
 * Starts `command` (looked up on PATH) with `args` as a plain OS process, a child of this lab
 * process that nobody reaps until reap() is called: once it exits, it is a zombie (state Z).
 * It inherits this process's environment, output and process group (so a run's end ends it too).
 * Throws a ProcessError where the OS cannot do this (see canSpawnUnreaped) or the start fails.
 */
export function spawnUnreaped(command: string, args: readonly string[] = []): UnreapedProcess {
  if (typeof command !== 'string' || command === '') throw new TypeError('spawnUnreaped(command, args) needs a command to run')
  if (!Array.isArray(args) || args.some((arg) => typeof arg !== 'string')) throw new TypeError('spawnUnreaped(command, args): args must be an array of strings')
  const context = labContext()
  const unreaped = platform.lab.unreaped
  if (!unreaped) {
    throw new ProcessError(`spawnUnreaped: ${platform.name} has no zombies to show: a process that has ended is gone once the last handle to it closes (Windows), or ProcLab cannot start one unreaped here yet`)
  }
  let pid: number
  try {
    pid = unreaped.spawn(command, args)
  } catch (error) {
    throw new ProcessError(`spawnUnreaped: ${error instanceof Error ? error.message : String(error)}`)
  }
  const commandLine = [command, ...args].join(' ')
  context.channel.send({ op: 'os-spawned', pid, command: commandLine, at: monotonicMicros() })
  return new UnreapedProcess(pid, commandLine)
}
