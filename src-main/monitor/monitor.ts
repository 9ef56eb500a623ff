import { availableParallelism } from 'node:os'
import type { SystemProcess } from '../../src-shared/contract'
import { platform as currentPlatform, procfsTable } from '../platform'
import { MonitorError } from '../platform/errors'
import { buildRows, RowReuse } from './rows'
import { ChangeLog } from './changes'
import { ancestorsOf } from './process-parents'
import { signalTree } from './signal-tree'
import { runsAsRoot } from './signal-rule'
import { simulatedAccount } from './simulated-account'
import { sendSignal } from './signals'
import type { Monitor, MonitorOptions, SignalGuard, TimedSample } from './types'

/** The environment variable that points the monitor at a simulated procfs (tests and benchmarks only). */
export const PROC_ROOT_ENV = 'PROCLAB_PROC_ROOT'

export function createMonitor(options: MonitorOptions = {}): Monitor {
  const os = options.platform ?? currentPlatform
  const procRoot = options.procRoot ?? (process.env[PROC_ROOT_ENV] || '/proc')
  const simulatedRoot = procRoot === '/proc' ? null : procRoot
  // A simulated procfs is Linux-shaped whatever the OS: read it as Linux reads /proc.
  const table = simulatedRoot !== null ? procfsTable(simulatedRoot) : os.processes
  const sampler = options.sampler ?? table.sampler()
  const cores = options.cores ?? availableParallelism()
  const minWindowMs = options.minCpuWindowMs ?? 200
  // RAM does not change under a running monitor (hotplug aside), so it is read once.
  const memTotal = options.memTotal ?? table.totalMemory()
  let baseline: TimedSample | null = null
  let latest: TimedSample | null = null
  // Callers that ask while a sample is being taken share it: one read of /proc, one CPU baseline.
  let inFlight: Promise<{ previous: TimedSample | null; current: TimedSample }> | null = null

  async function takeSample(): Promise<{ previous: TimedSample | null; current: TimedSample }> {
    const processes = await sampler.sample()
    const current: TimedSample = { at: performance.now(), processes }
    latest = current
    const previous = baseline
    if (previous === null || current.at - previous.at >= minWindowMs) baseline = current
    return { previous, current }
  }

  /** Children by ppid in the last sample: the fallback where the kernel does not list them. */
  const childrenFromSample = (pid: number): number[] =>
    (latest?.processes ?? [])
      .filter((p) => p.ppid === pid && p.pid !== pid)
      .map((p) => p.pid)
      .sort((a, b) => a - b)

  const lastSample = () => latest
  const readParents = table.parentReader(lastSample)
  /** The caller's guard plus the host's ancestors; and no signal at all into a simulated table. */
  function fullGuard(pid: number, guard: SignalGuard): SignalGuard {
    if (simulatedRoot !== null) {
      throw new MonitorError('refused', `refusing to signal pid ${pid}: the monitor shows a simulated process table (${PROC_ROOT_ENV}=${simulatedRoot}), whose pids are not real processes`)
    }
    let ancestors: ReadonlySet<number> = new Set()
    try {
      ancestors = ancestorsOf(process.pid, readParents())
    } catch {
      // No parent table (ps missing): the per-pid checks still protect pid 1 and the host.
    }
    return { ...guard, ancestorPids: new Set([...(guard.ancestorPids ?? []), ...ancestors]) }
  }

  const systemReader = table.systemReader(lastSample)

  // Read once: the account a process runs as does not change under it.
  const account = options.account ?? (simulatedRoot === null ? null : simulatedAccount(simulatedRoot)) ?? { user: os.userName(), isRoot: runsAsRoot() }

  async function list(labPids: ReadonlySet<number>, guard?: SignalGuard): Promise<SystemProcess[]> {
    inFlight ??= takeSample().finally(() => {
      inFlight = null
    })
    const { previous, current } = await inFlight
    const rule = { account, hostPid: process.pid, protectedPids: guard?.protectedPids ?? new Set<number>() }
    return buildRows(previous, current, labPids, cores, memTotal, rowReuse, rule)
  }
  const rowReuse = new RowReuse()
  const changeLog = new ChangeLog()

  return {
    sampler,
    simulatedRoot,
    list,
    async changes(labPids, since, guard) {
      return changeLog.answer(await list(labPids, guard), since)
    },
    system: () => systemReader.read(),
    async details(pid) {
      return table.details(pid, childrenFromSample)
    },
    sendSignal(pid, signal, guard) {
      sendSignal(pid, signal, fullGuard(pid, guard), os)
    },
    async signalTree(pid, signal, guard) {
      return signalTree(pid, signal, fullGuard(pid, guard), readParents, os)
    },
  }
}
