// The monitor's side of the bench: what one refresh costs ProcLab's sampler, `ps`, and
// systeminformation.processes(), in wall time and in CPU — the caller's own CPU plus that of the
// child processes it ran (ps spawns `ps`; systeminformation spawns several commands).
import { execFile } from 'node:child_process'
import { measureSampleCost } from './monitor-cost'
import { platform } from '../../platform'

export interface RefreshCost {
  wallMs: number
  cpuMs: number
  processes: number | null
  detail: string
}

/** CPU ms of this process's waited-for children so far (Linux /proc; 0 where the OS cannot say). */
function childrenCpuMs(): number {
  return platform.processes.waitedChildrenCpuMs?.() ?? 0
}

async function measured(call: () => Promise<unknown>): Promise<{ wallMs: number; cpuMs: number; value: unknown }> {
  const children = childrenCpuMs()
  const cpu = process.cpuUsage()
  const t0 = performance.now()
  const value = await call()
  const wallMs = performance.now() - t0
  const own = process.cpuUsage(cpu)
  return { wallMs, cpuMs: (own.user + own.system) / 1000 + (childrenCpuMs() - children), value }
}

export async function proclabRefreshCost(): Promise<RefreshCost> {
  const children = childrenCpuMs()
  const cost = await measureSampleCost()
  const first = cost.firstCpuMs === null ? '' : `, a running monitor's refresh 0.6 s after its first sample (which cost ${cost.firstCpuMs} ms CPU: every file opened and read)`
  return { wallMs: cost.wallMs, cpuMs: cost.cpuMs + (childrenCpuMs() - children), processes: cost.processes, detail: `sampler ${cost.sampler}${first}` }
}

/** `ps -eo pid,ppid,stat,pcpu,rss,comm`, averaged over `calls` calls (clock ticks are 10 ms). */
export async function psRefreshCost(calls: number): Promise<RefreshCost> {
  let wallMs = 0
  let cpuMs = 0
  let lines = 0
  for (let i = 0; i < calls; i++) {
    const one = await measured(
      () =>
        new Promise<string>((resolve, reject) => {
          execFile('ps', ['-eo', 'pid,ppid,stat,pcpu,rss,comm'], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => (error ? reject(error) : resolve(stdout)))
        }),
    )
    wallMs += one.wallMs
    cpuMs += one.cpuMs
    lines = (one.value as string).trim().split('\n').length - 1
  }
  return { wallMs: wallMs / calls, cpuMs: cpuMs / calls, processes: lines, detail: `mean of ${calls} calls, output not parsed` }
}

export async function systeminformationRefreshCost(): Promise<RefreshCost> {
  const si = await import('systeminformation')
  await si.processes()
  // systeminformation answers calls < 500 ms apart from a cache; do not time that.
  await new Promise((resolve) => setTimeout(resolve, 600))
  const one = await measured(() => si.processes())
  const list = (one.value as { list?: unknown[] }).list
  return { wallMs: one.wallMs, cpuMs: one.cpuMs, processes: list?.length ?? null, detail: 'second call, 600 ms after the first' }
}
