// Where a test runs, and the one way a test says it cannot run here. Each reason is kept apart:
//   linuxOnly(why)       what the test checks is Linux's own (/proc, zombies, POSIX signals, sh)
//   windowsOnly(why)     what the test checks is Windows' own (job objects, TerminateProcess's exit codes)
//   notOnWindows(why)    a platform difference: Windows has no such thing (a signal a process can catch, ...)
//   notUnderWine(why)    a limit of Wine 8.0, the Windows test bed (scripts/windows-under-wine.sh); a real
//                        Windows runs the test
//   needs(present, what) a part of this machine is missing (a kernel option, a program)
//   windowsBug(why)      a ProcLab bug on Windows, reported and not fixed yet: the test stays as it is and
//                        comes back when the bug is fixed
// Each returns vitest's test options: `describe(name, linuxOnly('reads /proc'), () => ...)` or
// `it(name, notUnderWine('...'), async () => ...)`. A skipped test carries its reason in meta.skipReason,
// which the JSON report keeps: the Windows leg prints the reasons grouped.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import type { TestOptions } from 'vitest'

declare module 'vitest' {
  interface TaskMeta {
    skipReason?: string
  }
}

export const onLinux = process.platform === 'linux'
export const onWindows = process.platform === 'win32'

let wine: boolean | undefined
/**
 * Wine keeps its own settings under HKLM\Software\Wine, a key no real Windows has; reg.exe is on both.
 * Asked once per test file, and only on Windows (about 0.1 s under Wine).
 */
export function underWine(): boolean {
  wine ??= onWindows && spawnSync('reg', ['query', 'HKLM\\Software\\Wine'], { stdio: 'ignore', windowsHide: true }).status === 0
  return wine
}

function skippedWhen(skip: boolean, reason: string): TestOptions {
  return skip ? { skip: true, meta: { skipReason: reason } } : {}
}

/** A skip for a missing part of the machine rather than of the OS: `needs(existsSync(x), 'x')`. */
export const needs = (present: boolean, what: string): TestOptions => skippedWhen(!present, `needs ${what}`)
export const linuxOnly = (why: string): TestOptions => skippedWhen(!onLinux, `Linux only: ${why}`)
export const windowsOnly = (why: string): TestOptions => skippedWhen(!onWindows, `Windows only: ${why}`)
export const notOnWindows = (why: string): TestOptions => skippedWhen(onWindows, `not on Windows: ${why}`)
export const notUnderWine = (why: string): TestOptions => skippedWhen(underWine(), `not under Wine: ${why}`)
export const windowsBug = (why: string): TestOptions => skippedWhen(onWindows, `ProcLab bug on Windows: ${why}`)

/**
 * The exit code of a process that ended itself with process.kill(process.pid, 'SIGKILL'). Windows has no
 * signals: Node ends the process with TerminateProcess(1), and nothing outside can tell it from exit(1).
 */
export const SELF_KILLED_EXIT = onWindows ? 1 : -9

/** A path a net.Server can listen on: a Unix socket in `dir`, or a named pipe on Windows (which has no socket files). */
export function localSocketPath(dir: string, name: string): string {
  return onWindows ? `\\\\.\\pipe\\${name}-${process.pid}-${Math.random().toString(36).slice(2)}` : join(dir, name)
}

/** A command that writes `text` and a newline from a process that is not Node: sh, or cmd.exe on Windows. */
export function shellEcho(text: string): [command: string, args: string[]] {
  return onWindows ? ['cmd.exe', ['/d', '/c', `echo ${text}`]] : ['sh', ['-c', `echo ${text}`]]
}
