import { availableParallelism } from 'node:os'
import type { SystemProcess } from '../../src-shared/contract'
import { readLinuxDetails, readPortableDetails } from './details'
import { LinuxProcSampler } from './linux-sampler'
import { buildRows, RowReuse } from './rows'
import { SystemInformationSampler } from './si-sampler'
import { ChangeLog } from './changes'
import { platform as currentPlatform } from '../platform'
import { MonitorError } from '../platform/errors'
import { ancestorsOf, readProcParents, readPsParents, type ParentTable } from './process-parents'
import { signalTree } from './signal-tree'
import { sendSignal } from './signals'
import { LinuxSystemReader, SiSystemReader, totalMemoryBytes, type SystemReader } from './system-stats'
import type { Monitor, MonitorOptions, ProcessSampler, SignalGuard, TimedSample } from './types'

/** The environment variable that points the monitor at a simulated procfs (tests and benchmarks only). */
export const PROC_ROOT_ENV = 'PROCLAB_PROC_ROOT'

/** A sample this young is as good as a fresh listing of /proc for the header's process count. */
const RECENT_SAMPLE_MS = 2_000

/** /proc on Linux (~0.1 s of CPU per 1,000-process sample against ~1 s for systeminformation), systeminformation elsewhere. */
export function defaultSampler(platform: NodeJS.Platform = process.platform, procRoot = '/proc'): ProcessSampler {
  // A simulated procfs is Linux-shaped whatever the OS: read it with the Linux sampler.
  return platform === 'linux' || procRoot !== '/proc' ? new LinuxProcSampler({ procRoot }) : new SystemInformationSampler(platform)
}

/** Parent pids now, read fresh: /proc on Linux, one `ps` on macOS, the last sample on Windows. */
function parentReader(platform: NodeJS.Platform, lastSample: () => TimedSample | null): () => ParentTable {
  if (platform === 'linux') return () => readProcParents('/proc')
  if (platform === 'win32') return () => new Map((lastSample()?.processes ?? []).map((p) => [p.pid, p.ppid]))
  return readPsParents
}

export function createMonitor(options: MonitorOptions = {}): Monitor {
  const os = options.platform ?? currentPlatform
  const platform = os.name
  const procRoot = options.procRoot ?? (process.env[PROC_ROOT_ENV] || '/proc')
  const simulatedRoot = procRoot === '/proc' ? null : procRoot
  const sampler = options.sampler ?? defaultSampler(platform, procRoot)
  const cores = options.cores ?? availableParallelism()
  const minWindowMs = options.minCpuWindowMs ?? 200
  // RAM does not change under a running monitor (hotplug aside), so it is read once.
  const memTotal = options.memTotal ?? totalMemoryBytes(simulatedRoot !== null ? 'linux' : platform, procRoot)
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

  const readParents = parentReader(platform, () => latest)
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

  const systemReader: SystemReader =
    platform === 'linux' || simulatedRoot !== null
      ? new LinuxSystemReader(procRoot, 200, () => (latest !== null && performance.now() - latest.at < RECENT_SAMPLE_MS ? latest.processes.length : null))
      : new SiSystemReader(() => {
          const processes = latest?.processes ?? []
          const threads = processes.every((p) => p.threads !== null) && processes.length > 0 ? processes.reduce((n, p) => n + p.threads!, 0) : null
          return { processes: processes.length, threads }
        })

  async function list(labPids: ReadonlySet<number>): Promise<SystemProcess[]> {
    inFlight ??= takeSample().finally(() => {
      inFlight = null
    })
    const { previous, current } = await inFlight
    return buildRows(previous, current, labPids, cores, memTotal, rowReuse)
  }
  const rowReuse = new RowReuse()
  const changeLog = new ChangeLog()

  return {
    sampler,
    simulatedRoot,
    list,
    async changes(labPids, since) {
      return changeLog.answer(await list(labPids), since)
    },
    system: () => systemReader.read(),
    async details(pid) {
      return platform === 'linux' || simulatedRoot !== null ? readLinuxDetails(pid, childrenFromSample, procRoot) : readPortableDetails(pid, childrenFromSample, platform)
    },
    sendSignal(pid, signal, guard) {
      sendSignal(pid, signal, fullGuard(pid, guard), os)
    },
    async signalTree(pid, signal, guard) {
      return signalTree(pid, signal, fullGuard(pid, guard), readParents, os)
    },
  }
}
