// Processes that use a shared lock (tests/fixtures/shm/lock-worker.ts), started as real OS processes
// with this Node and tsx, and what the tests read of them: lines they print, their CPU time.
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { platform } from '../../src-main/platform'
import { onLinux } from './platform'

const WORKER = join(process.cwd(), 'tests', 'fixtures', 'shm', 'lock-worker.ts')
/** A process at one side of a ByteRing (tests/fixtures/shm/ring-worker.ts). */
export const RING_WORKER = join(process.cwd(), 'tests', 'fixtures', 'shm', 'ring-worker.ts')

export interface Worker {
  child: ChildProcess
  pid: number
  /** Resolves with the first line (printed from now on or before) that starts with `prefix`. */
  line(prefix: string): Promise<string>
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>
}

export function startWorker(job: Record<string, unknown>, script = WORKER): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'pipe'] })
  const lines: string[] = []
  const waiting: Array<{ prefix: string; resolve: (line: string) => void }> = []
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line)
    for (const waiter of waiting.filter((w) => line.startsWith(w.prefix))) {
      waiting.splice(waiting.indexOf(waiter), 1)
      waiter.resolve(line)
    }
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stderr })))
  return {
    child,
    pid: child.pid!,
    exited,
    line(prefix) {
      const seen = lines.find((line) => line.startsWith(prefix))
      if (seen !== undefined) return Promise.resolve(seen)
      return new Promise((resolve, reject) => {
        waiting.push({ prefix, resolve })
        void exited.then(({ code, signal }) => reject(new Error(`worker ${child.pid} ended (${code ?? signal}) before printing "${prefix}"; stderr: ${stderr}`)))
      })
    },
  }
}

/**
 * A process's CPU time so far (all its threads) in ms. On Linux from each thread's
 * /proc/<pid>/task/<tid>/schedstat, in nanoseconds: /proc/<pid>/stat counts in 10 ms clock ticks,
 * and on a busy machine a process that wakes for a few microseconds now and then is sometimes
 * charged a whole tick. Elsewhere as the OS reports it to the monitor (platform.processes.usage:
 * GetProcessTimes on Windows).
 */
export function cpuMs(pid: number): number {
  // schedstat needs the kernel's CONFIG_SCHED_INFO (Debian, Ubuntu, Fedora have it).
  if (onLinux && existsSync(`/proc/${pid}/schedstat`)) {
    let ns = 0
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0])
      } catch {
        // A thread that ended between the listing and the read.
      }
    }
    return ns / 1e6
  }
  const usage = platform.processes.usage?.([pid]).get(pid)
  if (!usage) throw new Error(`no CPU time for pid ${pid}`)
  return usage.cpuTimeMs
}

/** Whether this OS reports a process's CPU time (the tests of sleeping waiters need it). */
export const cpuTimeReadable = platform.processes.usage !== null

/** Resolves once `check()` holds, looking every few milliseconds (a condition, not a deadline: vitest's timeout is the guard). */
export async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 10))
}
