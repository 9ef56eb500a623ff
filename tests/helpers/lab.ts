// Runs lab scripts through a real host, as `proclab run` does, and collects what happened.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { EventOf, LabEvent } from '../../src-shared/events'
import { createHost, type Host, type HostOptions } from '../../src-main/host'

export interface RunResult {
  events: LabEvent[]
  end: EventOf<'run.end'>
  /** Output lines per process name, stdout and stderr together, in order. */
  output: Map<string, string[]>
  starts: EventOf<'process.start'>[]
  exits: Map<string, EventOf<'process.exit'>>
  /** process.start of the process with this name (first one). */
  start(name: string): EventOf<'process.start'>
  exitCode(name: string): number | null | undefined
  lines(name: string): string[]
}

/** A folder outside the project, so tests also prove that `import 'proclab'` resolves from anywhere. */
export function scriptDir(): { dir: string; write(name: string, source: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'proclab-test-'))
  return {
    dir,
    write: (name, source) => {
      const file = join(dir, name)
      writeFileSync(file, source)
      return file
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
}

/** A real host; unless the test asks for a session log, it records none (no files in the user's home). */
export async function withHost<T>(options: HostOptions, body: (host: Host) => Promise<T>): Promise<T> {
  const host = await createHost({ sessionLog: false, ...options })
  try {
    return await body(host)
  } finally {
    await host.dispose()
  }
}

/** Starts a run and resolves when its run.end arrives. `during` may act on the run while it goes. */
/** What to run, and optionally the language it prints in (as the UI's run.start sends it). */
export type RunSource = ({ script: string } | { scenario: string } | { labScript: string }) & { lang?: 'en' | 'zh' }

export async function runLab(
  source: RunSource,
  options: HostOptions & { during?: (host: Host, events: LabEvent[]) => Promise<void> } = {},
): Promise<RunResult> {
  return withHost(options, (host) => runOn(host, source, options.during))
}

/** One run on a host that may serve others before and after; resolves at its run.end. */
export async function runOn(host: Host, source: RunSource, during?: (host: Host, events: LabEvent[]) => Promise<void>): Promise<RunResult> {
  const events: LabEvent[] = []
  let unsubscribe = () => {}
  const ended = new Promise<EventOf<'run.end'>>((resolve) => {
    unsubscribe = host.onEvent((event) => {
      events.push(event)
      if (event.kind === 'run.end') resolve(event)
    })
  })
  try {
    await host.call('run.start', source)
    await during?.(host, events)
    return summarize(events, await ended)
  } finally {
    unsubscribe()
  }
}

/** Writes the script (and any `files` beside it) to a fresh folder outside the project and runs it. */
export async function runSource(
  source: string,
  options: Parameters<typeof runLab>[1] & { files?: Record<string, string> } = {},
  fileName = 'lab.mjs',
): Promise<RunResult> {
  const scripts = scriptDir()
  try {
    for (const [name, text] of Object.entries(options.files ?? {})) scripts.write(name, text)
    return await runLab({ script: scripts.write(fileName, source) }, options)
  } finally {
    scripts.cleanup()
  }
}

function summarize(events: LabEvent[], end: EventOf<'run.end'>): RunResult {
  const starts = events.filter((e): e is EventOf<'process.start'> => e.kind === 'process.start')
  const nameOf = new Map(starts.map((s) => [s.lid, s.name]))
  const exits = new Map<string, EventOf<'process.exit'>>()
  const output = new Map<string, string[]>()
  for (const event of events) {
    if (event.kind === 'process.exit') exits.set(nameOf.get(event.lid) ?? event.lid, event)
    if (event.kind === 'stdout' || event.kind === 'stderr') {
      const name = nameOf.get(event.lid) ?? event.lid
      const lines = output.get(name)
      if (lines) lines.push(event.line)
      else output.set(name, [event.line])
    }
  }
  return {
    events,
    end,
    output,
    starts,
    exits,
    start: (name) => {
      const found = starts.find((s) => s.name === name)
      if (!found) throw new Error(`no process named ${name}; started: ${starts.map((s) => s.name).join(', ')}`)
      return found
    },
    exitCode: (name) => exits.get(name)?.exitCode,
    lines: (name) => {
      if (!starts.some((s) => s.name === name)) {
        throw new Error(`no process named ${name} started; output by process: ${JSON.stringify([...output.entries()]).slice(0, 2000)}`)
      }
      return output.get(name) ?? []
    },
  }
}

/** Asks the OS, not ProcLab: is this pid a live process (a zombie counts as ended)? */
export function pidAlive(pid: number): boolean {
  if (process.platform === 'linux') {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
    } catch {
      return false
    }
  }
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The parent pid as the OS reports it: /proc on Linux, the process table on Windows, ps elsewhere. */
export function osParentPid(pid: number): number | null {
  if (process.platform === 'win32') return windowsParentPid(pid)
  if (process.platform !== 'linux') {
    const ps = spawnSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8' })
    return ps.status === 0 ? Number(ps.stdout.trim()) : null
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
  } catch {
    return null
  }
}

/**
 * wmic where there is one (Wine's knows only `process get`; Windows 11 24H2 dropped it), else PowerShell
 * (a stub under Wine). wmic writes UTF-16 with a byte-order mark, a header (Wine's runs the names
 * together) and the columns in alphabetical order: ParentProcessId, ProcessId.
 */
function windowsParentPid(pid: number): number | null {
  const wmic = spawnSync('wmic', ['process', 'get', 'ParentProcessId,ProcessId'], { windowsHide: true })
  if (!wmic.error && wmic.status === 0) {
    const text = wmic.stdout.subarray(0, 2).equals(Buffer.from([0xff, 0xfe])) ? wmic.stdout.subarray(2).toString('utf16le') : wmic.stdout.toString('latin1')
    const rows = text.split(/\r?\n/).slice(1).map((line) => line.trim().split(/\s+/).map(Number))
    return rows.find(([, child]) => child === pid)?.[0] ?? null
  }
  const query = `(Get-CimInstance Win32_Process -Filter "ProcessId=${pid}").ParentProcessId`
  const ps = spawnSync('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', query], { encoding: 'utf8', windowsHide: true })
  return ps.status === 0 && ps.stdout.trim() !== '' ? Number(ps.stdout.trim()) : null
}

export async function waitUntil(condition: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
