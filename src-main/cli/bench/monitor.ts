// The monitor's rows of `proclab bench`, measured with N extra `sleep` processes alive (1,000 in the
// full run), started by the bench itself so every machine is measured at 1,000+ processes:
//  - monitor-idle: the monitor's CPU while a UI refreshes it every second, as % of one core;
//  - monitor-ps / monitor-systeminformation: one full-table refresh, CPU, against the references.
import { spawn, type ChildProcess } from 'node:child_process'
import { createMonitor, LinuxProcSampler, readProcParents, type SampleReads } from '../../monitor'
import { platform } from '../../platform'
import type { ResultRow, Status } from './report'
import { proclabRefreshCost, psRefreshCost, systeminformationRefreshCost, type RefreshCost } from './system'

export const MONITOR_IDS = ['monitor-idle', 'monitor-ps', 'monitor-systeminformation'] as const

export interface MonitorBenchSizes {
  sleepers: number
  idleSeconds: number
  psCalls: number
  /** systeminformation costs seconds of CPU a call: only in the full run unless asked for. */
  systeminformation: boolean
}

type Log = (message: string) => void

/**
 * `count` sleeps under one shell in a process group of their own, so one kill(-pgid) ends them all,
 * also from the exit handler if the bench is interrupted. Resolves when all of them are running.
 */
export async function startSleepers(count: number, log: Log): Promise<{ count: number; stop: () => void }> {
  const shell: ChildProcess = spawn('sh', ['-c', `i=0; while [ $i -lt ${count} ]; do sleep 3600 & i=$((i+1)); done; wait`], { detached: true, stdio: 'ignore' })
  const pgid = shell.pid
  if (pgid === undefined) throw new Error('could not start sh for the sleep processes')
  const stop = () => {
    try {
      process.kill(-pgid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  process.once('exit', stop)
  const stopAll = () => {
    stop()
    process.off('exit', stop)
  }
  try {
    const deadline = Date.now() + 120_000
    for (;;) {
      const started = [...readProcParents().values()].filter((ppid) => ppid === pgid).length
      if (started >= count) break
      if (Date.now() > deadline) throw new Error(`only ${started} of ${count} sleep processes started in 120 s`)
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    log(`${count} sleep processes running`)
    return { count, stop: stopAll }
  } catch (error) {
    stopAll()
    throw error
  }
}

export interface IdleCost {
  percentOfCore: number
  cpuMs: number
  wallMs: number
  refreshes: number
  processes: number
  /** JSON sent per refresh (changes + system), bytes. */
  bytesPerRefresh: number
  /** CPU of the warm-up refreshes before the measured ones (see idleRefreshCost), and how long they took. */
  warmupCpuMs: number
  warmupMs: number
  /** How the last measured refresh read the processes (platform/linux/proc-sampler.ts), where the sampler says. */
  reads: SampleReads | null
}

/**
 * What the host spends on a System tab left open: every `intervalMs`, what the tab asks for —
 * monitor.changes (since its previous answer) and monitor.system — and the JSON the transport
 * sends for them, for `seconds`. CPU of this process (process.cpuUsage) over the wall time, as % of
 * one core: the steady state of a tab left open. Before it, the same refreshes for as long again,
 * not measured but reported as warmupCpuMs, because they are the cost of starting rather than of
 * idling: the first refresh reads every process in full (and getconf, /etc/passwd), the second
 * reads again those that were in their first second then (programs retitle themselves as they
 * start; see platform/linux/proc-sampler.ts), which with the 1,000 sleeps the bench has just started is nearly
 * all of them, and in its first ~10 s a new Node process compiles the hot code and V8 shrinks its
 * heap once (~100 ms of CPU here, measured with --trace-gc).
 */
export async function idleRefreshCost(seconds: number, intervalMs = 1000): Promise<IdleCost> {
  const monitor = createMonitor()
  const none = new Set<number>()
  let since: number | undefined
  let bytes = 0
  const refresh = async () => {
    const [changes, summary] = await Promise.all([monitor.changes(none, since), monitor.system()])
    since = changes.id
    bytes = JSON.stringify(changes).length + JSON.stringify(summary).length
    return changes.count
  }
  const startCpu = process.cpuUsage()
  const warmupStart = performance.now()
  for (let i = 0; i < MIN_WARMUP_REFRESHES || performance.now() - warmupStart < seconds * 1000; i++) {
    await refresh()
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
  const started = process.cpuUsage(startCpu)
  const cpu = process.cpuUsage()
  const t0 = performance.now()
  let refreshes = 0
  let processes = 0
  let sent = 0
  while (performance.now() - t0 < seconds * 1000) {
    processes = await refresh()
    sent += bytes
    refreshes++
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
  const wallMs = performance.now() - t0
  const used = process.cpuUsage(cpu)
  const cpuMs = (used.user + used.system) / 1000
  return {
    percentOfCore: Math.round((cpuMs / wallMs) * 1000) / 10,
    cpuMs: Math.round(cpuMs),
    wallMs: Math.round(wallMs),
    refreshes,
    processes,
    bytesPerRefresh: Math.round(sent / Math.max(1, refreshes)),
    warmupCpuMs: Math.round((started.user + started.system) / 1000),
    warmupMs: Math.round(t0 - warmupStart),
    reads: monitor.sampler.lastReads ? { ...monitor.sampler.lastReads } : null,
  }
}

/** At least this many refreshes before the measured ones, however short the run (see idleRefreshCost). */
const MIN_WARMUP_REFRESHES = 2

const IDLE_GOAL_PERCENT = 2

/** The rows asked for by `wanted`; sleepers are started once for all of them and always stopped. */
export async function monitorRows(sizes: MonitorBenchSizes, wanted: (id: string) => boolean, skipped: { id: string; reason: string }[], log: Log): Promise<ResultRow[]> {
  if (!MONITOR_IDS.some(wanted)) return []
  if (platform.processes.samplerKind !== LinuxProcSampler.KIND) {
    for (const id of MONITOR_IDS.filter(wanted)) skipped.push({ id, reason: `the /proc sampler and the sleep processes are measured where the monitor reads /proc; here it uses ${platform.processes.samplerKind}` })
    return []
  }
  const sleepers = await startSleepers(sizes.sleepers, log)
  try {
    const rows: ResultRow[] = []
    if (wanted('monitor-idle')) rows.push(await idleRow(sizes, log))
    if (wanted('monitor-ps') || wanted('monitor-systeminformation')) rows.push(...(await refreshRows(sizes, wanted, skipped, log)))
    for (const row of rows) row.note = `${row.note ?? ''}${row.note ? '; ' : ''}with ${sleepers.count} extra sleep processes started by the bench`
    return rows
  } finally {
    sleepers.stop()
  }
}

async function idleRow(sizes: MonitorBenchSizes, log: Log): Promise<ResultRow> {
  log(`monitor idle refresh at 1 s for ${sizes.idleSeconds} s, after as long again of warm-up`)
  const base = { id: 'monitor-idle', title: 'Monitor idle, refreshed every 1 s', unit: '% of a core', better: 'lower' as const, kind: 'ratio' as const, target: `≤ ${IDLE_GOAL_PERCENT} % of a core`, optional: true }
  const goal = { name: 'goal', value: IDLE_GOAL_PERCENT, runs: [IDLE_GOAL_PERCENT] }
  try {
    const idle = await idleRefreshCost(sizes.idleSeconds)
    return {
      ...base,
      proclab: { name: 'ProcLab', value: idle.percentOfCore, runs: [idle.percentOfCore], detail: { ...idle } },
      reference: goal,
      ratio: idle.percentOfCore / IDLE_GOAL_PERCENT,
      status: idle.percentOfCore <= IDLE_GOAL_PERCENT ? 'PASS' : 'MISS',
      note: `${idle.refreshes} refreshes of ${idle.processes} processes (changes + system + JSON, ~${(idle.bytesPerRefresh / 1024).toFixed(1)} KiB a refresh${idle.reads ? `; the last one read stat of ${idle.reads.statReads}, the other ${idle.reads.unrun} had not run since, by their schedstat` : ''}), ${idle.cpuMs} ms CPU in ${(idle.wallMs / 1000).toFixed(1)} s, after ${(idle.warmupMs / 1000).toFixed(1)} s of unmeasured warm-up refreshes (${idle.warmupCpuMs} ms CPU: reading the just-started processes, compiling, one heap shrink)`,
    }
  } catch (error) {
    return { ...base, proclab: { name: 'ProcLab', value: null, runs: [], error: String(error) }, reference: goal, ratio: null, status: 'ERROR' }
  }
}

async function refreshRows(sizes: MonitorBenchSizes, wanted: (id: string) => boolean, skipped: { id: string; reason: string }[], log: Log): Promise<ResultRow[]> {
  const attempt = async (what: string, fn: () => Promise<RefreshCost>): Promise<RefreshCost | Error> => {
    log(what)
    try {
      return await fn()
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error))
    }
  }
  const ours = await attempt('monitor refresh (ProcLab sampler)', proclabRefreshCost)
  // ps: no more CPU than one ps run; systeminformation: at least 30× less (issue 4's goals).
  const refs: Array<[string, string, () => Promise<RefreshCost>, number, string]> = [
    ['monitor-ps', 'ps -eo pid,ppid,stat,pcpu,rss,comm', () => psRefreshCost(sizes.psCalls), 1, '≤ 1× ps'],
    ['monitor-systeminformation', 'systeminformation.processes()', systeminformationRefreshCost, 1 / 30, '≥ 30× less than si (≤ 0.033×)'],
  ]
  const rows: ResultRow[] = []
  for (const [id, name, fn, maxRatio, targetText] of refs) {
    if (!wanted(id)) continue
    if (id === 'monitor-systeminformation' && !sizes.systeminformation) {
      skipped.push({ id, reason: 'takes seconds of CPU per call; measured in the full run (or ask for it with --only)' })
      continue
    }
    const theirs = await attempt(`monitor refresh (${name})`, fn)
    const figure = (label: string, c: RefreshCost | Error) => (c instanceof Error ? { name: label, value: null, runs: [], error: c.message } : { name: label, value: c.cpuMs, runs: [c.cpuMs], detail: { ...c } })
    const wall = (c: RefreshCost | Error) => (c instanceof Error ? '—' : `${c.wallMs.toFixed(0)} ms wall, ${c.processes ?? '?'} processes${c.detail ? ` (${c.detail})` : ''}`)
    const ratio = !(ours instanceof Error) && !(theirs instanceof Error) && theirs.cpuMs > 0 ? ours.cpuMs / theirs.cpuMs : null
    const status: Status = ours instanceof Error ? 'ERROR' : ratio === null ? null : ratio <= maxRatio ? 'PASS' : 'MISS'
    rows.push({
      id,
      title: 'Monitor one refresh, CPU',
      unit: 'ms CPU',
      better: 'lower',
      proclab: figure('ProcLab', ours),
      reference: figure(name, theirs),
      ratio,
      kind: 'ratio',
      target: targetText,
      status,
      optional: true,
      note: `ProcLab ${wall(ours)}; ${name} ${wall(theirs)} (CPU includes child processes; ps CPU is counted in 10 ms clock ticks)`,
    })
  }
  return rows
}
