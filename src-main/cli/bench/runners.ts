// How `proclab bench` runs one measurement: a lab script through a real in-process host, a Python
// script, or a plain Node script. Each prints one `BENCH {json}` line, timed inside the script
// around the measured part only; the runners find that line and return its fields.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { LabEvent } from '../../../src-shared/events'
import { createHost, type Host } from '../../host'

export type BenchFields = Record<string, unknown>

export const BENCH_PREFIX = 'BENCH '
/** The environment variable that carries a workload's parameters (JSON) to the lab scripts. */
export const PARAMS_ENV = 'PROCLAB_BENCH_PARAMS'

/** The fields of the first `BENCH {json}` line in some output, or null. */
export function parseBenchLine(lines: Iterable<string>): BenchFields | null {
  for (const line of lines) {
    const at = line.indexOf(BENCH_PREFIX)
    if (at === -1) continue
    try {
      const value = JSON.parse(line.slice(at + BENCH_PREFIX.length)) as unknown
      if (value && typeof value === 'object' && !Array.isArray(value)) return value as BenchFields
    } catch {
      // Not ours; keep looking.
    }
  }
  return null
}

/** One host per telemetry setting, created on first use and kept for every run of the bench. */
export class LabRunner {
  private readonly hosts = new Map<boolean, Promise<Host & { killAllNow(): void }>>()
  /** The hosts record their sessions as a real host does, but into a folder that goes at the end. */
  private readonly sessionDir = mkdtempSync(join(tmpdir(), 'proclab-bench-sessions-'))

  constructor(private readonly timeoutMs: number) {}

  private host(telemetry: boolean): Promise<Host & { killAllNow(): void }> {
    let host = this.hosts.get(telemetry)
    if (!host) {
      const sessionLog = join(this.sessionDir, `telemetry-${telemetry ? 'on' : 'off'}.ndjson`)
      host = createHost({ telemetry, maxProcesses: 256, sessionLog }).then((created) => {
        // A UI would be listening to frames; so does the bench, so telemetry costs what it costs there.
        created.onFrame(() => undefined)
        return created
      })
      this.hosts.set(telemetry, host)
    }
    return host
  }

  /** Runs one lab script to its end and returns its BENCH fields; throws with its stderr if it fails. */
  async run(script: string, params: BenchFields, options: { telemetry?: boolean } = {}): Promise<BenchFields> {
    const host = await this.host(options.telemetry ?? true)
    const stdout: string[] = []
    const stderr: string[] = []
    let timer: NodeJS.Timeout | undefined
    let runId: string | null = null
    let unsubscribe = (): void => undefined
    const ended = new Promise<Extract<LabEvent, { kind: 'run.end' }>>((resolve) => {
      unsubscribe = host.onEvent((event) => {
        if (runId !== null && event.runId !== runId) return
        if (event.kind === 'stdout') stdout.push(event.line)
        else if (event.kind === 'stderr') stderr.push(event.line)
        else if (event.kind === 'run.end') resolve(event)
      })
    })
    const previous = process.env[PARAMS_ENV]
    process.env[PARAMS_ENV] = JSON.stringify(params)
    try {
      runId = (await host.call('run.start', { script })).runId
    } finally {
      if (previous === undefined) delete process.env[PARAMS_ENV]
      else process.env[PARAMS_ENV] = previous
    }
    timer = setTimeout(() => {
      stderr.push(`(stopped by proclab bench after ${this.timeoutMs} ms)`)
      void host.call('run.stop', {})
    }, this.timeoutMs)
    try {
      const end = await ended
      const fields = parseBenchLine(stdout)
      if (!end.ok || !fields) throw new Error(`lab workload ${script} failed: ${end.error ?? 'no BENCH line'}${stderr.length ? `\n${stderr.slice(-15).join('\n')}` : ''}`)
      return fields
    } finally {
      clearTimeout(timer)
      timer = undefined
      unsubscribe()
    }
  }

  async dispose(): Promise<void> {
    const hosts = await Promise.all(this.hosts.values())
    await Promise.all(hosts.map((host) => host.dispose()))
    rmSync(this.sessionDir, { recursive: true, force: true })
  }

  /** For the host's own exit: ends every lab process synchronously. */
  killAllNow(): void {
    for (const host of this.hosts.values()) void host.then((created) => created.killAllNow())
  }
}

/** Runs a program to its end and returns the BENCH fields it printed. */
export function runProgram(file: string, args: string[], timeoutMs: number): Promise<BenchFields> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, windowsHide: true }, (error, stdout, stderr) => {
      const fields = parseBenchLine(stdout.split('\n'))
      if (error || !fields) {
        const detail = stderr.trim().split('\n').slice(-15).join('\n')
        reject(new Error(`${file} ${args.join(' ')} failed: ${error ? error.message : 'no BENCH line'}${detail ? `\n${detail}` : ''}`))
      } else resolve(fields)
    })
  })
}

/** The Python to compare with and its version, or null when there is none. */
export async function findPython(candidates: string[]): Promise<{ path: string; version: string } | null> {
  for (const path of candidates) {
    const version = await new Promise<string | null>((resolve) => {
      execFile(path, ['-c', 'import sys, multiprocessing; print(sys.version.split()[0])'], { timeout: 10_000 }, (error, stdout) => resolve(error ? null : stdout.trim()))
    })
    if (version) return { path, version }
  }
  return null
}
