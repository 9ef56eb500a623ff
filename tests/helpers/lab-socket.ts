// For tests that attack a host's lab socket from outside: a host as its own process (`proclab
// run` of a script that waits for a go-ahead), where its socket is, raw clients, and what the OS
// says about the host's memory.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import { loadKoffi, loadLibrary } from '../../src-main/platform/koffi'
import { waitUntil } from './lab'
import { onWindows } from './platform'

/** Why the tests of pid checks are a windowsBug: Windows' platform module has no identify() yet. */
/**
 * A lab script that writes the broker's address (its PROCLAB_BROKER) to the file named by
 * PROCLAB_TEST_GO with `.broker` added, says READY, waits until the file named by PROCLAB_TEST_GO
 * exists, then does real lab work (a child, a Pipe round trip) and prints "answer 42".
 */
export const WAITING_SCRIPT = `
import { existsSync, writeFileSync } from 'node:fs'
import { Pipe, Process, sleep } from 'proclab'
export async function double(conn) { await conn.send((await conn.recv()) * 2) }
export default async function main() {
  writeFileSync(process.env.PROCLAB_TEST_GO + '.broker', process.env.PROCLAB_BROKER)
  console.log('READY')
  while (!existsSync(process.env.PROCLAB_TEST_GO)) await sleep(20)
  const [mine, theirs] = Pipe()
  const child = new Process({ target: double, args: [theirs] })
  await child.start()
  await mine.send(21)
  console.log('answer ' + (await mine.recv()))
  await child.join()
}
`

export interface CliHost {
  child: ChildProcess
  pid: number
  /** stdout and stderr so far. */
  output(): string
  exited: Promise<number | null>
  /** The lab main's pid, from the "▶ MainProcess (pid N) started" line. */
  mainPid(): number
}

/**
 * `proclab run <script>` as its own process, with its temp folder at `tmp` (and no
 * XDG_RUNTIME_DIR, so a POSIX socket goes there) and the given umask. Windows has no umask, and
 * its broker is a named pipe, in no folder: there the host is started as it is.
 */
export function startCliHost(script: string, options: { tmp: string; go: string; umask?: string }): CliHost {
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: options.tmp, PROCLAB_TEST_GO: options.go, NO_COLOR: '1', FORCE_COLOR: '0' }
  delete env.XDG_RUNTIME_DIR
  const command = `umask ${options.umask ?? '022'} && exec "$0" bin/proclab.js run "$1" --no-log`
  const [file, args] = onWindows ? [process.execPath, ['bin/proclab.js', 'run', script, '--no-log']] : ['/bin/sh', ['-c', command, process.execPath, script]]
  const child = spawn(file, args, { cwd: process.cwd(), env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return {
    child,
    pid: child.pid!,
    output: () => output,
    exited,
    mainPid: () => {
      const match = /▶ MainProcess \(pid (\d+)\) started/.exec(output)
      if (!match) throw new Error(`the lab main has not started; output so far:\n${output}`)
      return Number(match[1])
    },
  }
}

/** Waits until the host's lab main printed READY (so its broker is listening and a run is on). */
export async function waitForReady(host: CliHost): Promise<void> {
  await waitUntil(() => host.output().includes('MainProcess │ READY'), 20_000, `the lab main to say READY (output: ${host.output()})`)
}

/** The broker's address as the lab main of WAITING_SCRIPT got it (a socket path, or a pipe name on Windows). */
export function brokerAddressOf(goFile: string): string {
  return readFileSync(`${goFile}.broker`, 'utf8')
}

/**
 * The broker socket of the host with this pid in one of `bases`: proclab-<pid>-*\/broker.sock, or,
 * as hosts made it before they had a private directory, proclab-<pid>-*.sock.
 */
export function brokerSocketOf(bases: string[], hostPid: number): string {
  for (const base of bases) {
    for (const name of readdirSync(base)) {
      if (!name.startsWith(`proclab-${hostPid}-`)) continue
      const inDir = join(base, name, 'broker.sock')
      if (existsSync(inDir)) return inDir
      if (name.endsWith('.sock')) return join(base, name)
    }
  }
  throw new Error(`no broker socket of pid ${hostPid} in ${bases.join(', ')}`)
}

/** What a client saw: refused at connect (with the code), or closed by the host, or still open when it gave up. */
export type ClientFate = { connected: false; code: string } | { connected: true; closedByHost: boolean }

/**
 * How long to wait for a close the host must make. The broker has no timer that closes a connection:
 * it closes one only for what it read, so a close at any time is its refusal, and this is a hang
 * guard, not a speed limit. On a loaded machine an in-process host took ~1 s to read 64 attackers'
 * bytes while its event loop never stalled (the re-armed grace below could not tell).
 */
export const REFUSAL_GUARD_MS = 10_000

const STALL_MS = 100
const MAX_STALL_RETRIES = 5

/**
 * Connects, writes each buffer in order, and reports whether the host closed the connection within
 * `graceMs` after the last write went out. The client closes it then (if the host did not).
 */
export function rawClient(path: string, writes: Buffer[], graceMs = 1000): Promise<ClientFate> {
  return new Promise((resolve) => {
    const socket: Socket = connect(path)
    let connected = false
    let timer: NodeJS.Timeout | undefined
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!connected) resolve({ connected: false, code: error.code ?? error.message })
    })
    socket.on('close', () => {
      clearTimeout(timer)
      if (connected) resolve({ connected: true, closedByHost: true })
    })
    socket.on('data', () => undefined)
    // The host may run in this very process (withHost): if the event loop stalled past the grace (a busy
    // machine, a collection), the timer and the host's close fall due together and timers run first.
    // A timer that fired late gives the host its grace again, so only an unstalled grace counts.
    const giveUpAfter = (ms: number, retries: number): void => {
      const due = Date.now() + ms
      timer = setTimeout(() => {
        if (Date.now() - due > STALL_MS && retries < MAX_STALL_RETRIES) return giveUpAfter(ms, retries + 1)
        socket.removeAllListeners('close')
        socket.destroy()
        resolve({ connected: true, closedByHost: false })
      }, ms)
    }
    socket.once('connect', () => {
      connected = true
      const writeNext = (index: number): void => {
        if (index === writes.length) {
          giveUpAfter(graceMs, 0)
          return
        }
        socket.write(writes[index]!, (error) => (error ? undefined : writeNext(index + 1)))
      }
      writeNext(0)
    })
  })
}

/**
 * A process's memory as the OS counts it, in KiB: now and at its peak. Linux: VmRSS and VmHWM;
 * Windows: the working set and its peak (GetProcessMemoryInfo), which are the same measures.
 */
export function memoryOf(pid: number): { rss: number; peak: number } {
  if (onWindows) return windowsMemoryOf(pid)
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1])
  return { rss: field('VmRSS'), peak: field('VmHWM') }
}

let windowsMemoryCalls: ((pid: number) => { rss: number; peak: number }) | null = null

function windowsMemoryOf(pid: number): { rss: number; peak: number } {
  windowsMemoryCalls ??= bindWindowsMemoryCalls()
  return windowsMemoryCalls(pid)
}

function bindWindowsMemoryCalls(): (pid: number) => { rss: number; peak: number } {
  const koffi = loadKoffi()
  const kernel32 = loadLibrary('kernel32.dll')
  const size = 'size_t'
  koffi.struct('PROCESS_MEMORY_COUNTERS', {
    cb: 'uint32_t',
    PageFaultCount: 'uint32_t',
    PeakWorkingSetSize: size,
    WorkingSetSize: size,
    QuotaPeakPagedPoolUsage: size,
    QuotaPagedPoolUsage: size,
    QuotaPeakNonPagedPoolUsage: size,
    QuotaNonPagedPoolUsage: size,
    PagefileUsage: size,
    PeakPagefileUsage: size,
  })
  const openProcess = kernel32.func('void * __stdcall OpenProcess(uint32_t access, bool inherit, uint32_t pid)') as (access: number, inherit: boolean, pid: number) => unknown
  const getMemoryInfo = kernel32.func('bool __stdcall K32GetProcessMemoryInfo(void *process, _Out_ PROCESS_MEMORY_COUNTERS *counters, uint32_t cb)') as (
    process: unknown,
    counters: Record<string, number>,
    cb: number,
  ) => boolean
  const closeHandle = kernel32.func('bool __stdcall CloseHandle(void *handle)') as (handle: unknown) => boolean
  const PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
  const PROCESS_VM_READ = 0x0010
  const bytes = koffi.sizeof('PROCESS_MEMORY_COUNTERS')
  return (pid) => {
    const handle = openProcess(PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_VM_READ, false, pid)
    if (!handle) throw new Error(`OpenProcess(${pid}) failed`)
    try {
      const counters: Record<string, number> = {}
      if (!getMemoryInfo(handle, counters, bytes)) throw new Error(`GetProcessMemoryInfo(${pid}) failed`)
      return { rss: Math.round(Number(counters.WorkingSetSize) / 1024), peak: Math.round(Number(counters.PeakWorkingSetSize) / 1024) }
    } finally {
      closeHandle(handle)
    }
  }
}
