// One process's details from /proc: cwd, environment, open files, children.
import { readdirSync, readlinkSync } from 'node:fs'
import type { ProcessDetails, Readable } from '../../../src-shared/contract'
import { MonitorError } from '../errors'
import { readProcText } from './proc-files'

type Code = string | undefined

function errnoCode(err: unknown): Code {
  return (err as NodeJS.ErrnoException | null)?.code
}

/**
 * One field of a live process. Not being allowed (another user's process: the kernel checks
 * ptrace access) and the field being gone (a zombie has no cwd or fds) are answers to show, not
 * failures; anything else is passed on as its message so it is never silently blank.
 */
function readable<T>(read: () => T): Readable<T> {
  try {
    return { ok: true, value: read() }
  } catch (err) {
    const code = errnoCode(err)
    if (code === 'EACCES' || code === 'EPERM') return { ok: false, reason: 'not readable: the process belongs to another user' }
    if (code === 'ENOENT' || code === 'ESRCH') return { ok: false, reason: 'gone: the process is exiting or is a zombie' }
    return { ok: false, reason: `could not read: ${err instanceof Error ? err.message : String(err)}` }
  }
}

/**
 * Children from the kernel's own list (/proc/<pid>/task/<tid>/children, one per thread, since a
 * child's parent is the thread that forked it); null where the kernel lacks it
 * (CONFIG_PROC_CHILDREN) or will not show it, so the caller can fall back to a ppid scan.
 */
function kernelChildren(dir: string): number[] | null {
  try {
    const pids = new Set<number>()
    for (const tid of readdirSync(`${dir}/task`)) {
      for (const word of readProcText(`${dir}/task/${tid}/children`).split(' ')) if (word.trim()) pids.add(Number(word))
    }
    return [...pids].sort((a, b) => a - b)
  } catch {
    return null
  }
}

/** Linux: readlink cwd, read environ, count fd entries, list children; ~0.1 ms for a typical process. */
export function readLinuxDetails(pid: number, childrenFromSample: (pid: number) => number[], root = '/proc'): ProcessDetails {
  const dir = `${root}/${pid}`
  try {
    readProcText(`${dir}/stat`)
  } catch (err) {
    const code = errnoCode(err)
    if (code === 'ENOENT' || code === 'ESRCH') throw new MonitorError('not-found', `no process ${pid}`)
    if (code === 'EACCES' || code === 'EPERM') throw new MonitorError('refused', `the system hides process ${pid} from this user`)
    throw new MonitorError('failed', `could not read process ${pid}: ${err instanceof Error ? err.message : String(err)}`)
  }
  return {
    pid,
    cwd: readable(() => readlinkSync(`${dir}/cwd`)),
    // NUL-separated NAME=value; a process that rewrote its environment block may leave empties.
    environment: readable(() => readProcText(`${dir}/environ`).split('\0').filter((entry) => entry.length > 0)),
    openFiles: readable(() => readdirSync(`${dir}/fd`).length),
    children: kernelChildren(dir) ?? childrenFromSample(pid),
  }
}
