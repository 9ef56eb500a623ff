// The monitor's view of Windows from native calls (koffi): the table in one
// NtQuerySystemInformation call, parents read fresh the same way, a few processes' CPU and memory
// on their own (the lab sampler's question), the machine from the kernel. No PowerShell anywhere.
import { totalmem } from 'node:os'
import { detailsFromTable } from '../table-details'
import type { ProcessTable, ProcessUsage } from '../types'
import { splitCommandLine } from './command-line'
import { ProcessIdentities } from './identity'
import { windowsCalls, type WindowsCalls } from './table-calls'
import { ProcessInformationReader, WindowsNativeSampler } from './native-sampler'
import { ticksToMs } from './process-rows'
import { WindowsSystemReader } from './system'

/** A sample this young is as good as a fresh table for the header's counts. */
const RECENT_SAMPLE_MS = 2_000

/** Throws why the native calls cannot be made, for the fallback seam (native-table.ts). */
export function windowsNativeTable(calls: WindowsCalls = windowsCalls()): ProcessTable {
  // One real call now, so a table that cannot be read fails here and not in the first sample.
  const parents = new ProcessInformationReader(calls, 64 * 1024)
  parents.read()
  const identities = new ProcessIdentities(calls)
  return {
    samplerKind: WindowsNativeSampler.KIND,
    sampler: () => new WindowsNativeSampler(calls),
    // A fresh table costs milliseconds: parents at signal time are read now, not from the last sample.
    parentReader: () => () => new Map(parents.read().map((p) => [p.pid, p.pid === p.ppid ? 0 : p.ppid])),
    details: (pid, childrenFromSample) => detailsFromTable(pid, childrenFromSample, 'Windows'),
    systemReader: (lastSample) =>
      new WindowsSystemReader(calls, () => {
        const last = lastSample()
        // The monitor's sample when it is recent; else the kernel's table, which costs milliseconds.
        const processes = last !== null && performance.now() - last.at < RECENT_SAMPLE_MS ? last.processes : parents.read()
        return { processes: processes.length, threads: processes.reduce((n, p) => n + (p.threads ?? 0), 0) }
      }),
    totalMemory: () => totalmem(),
    usage: (pids) => processUsage(calls, pids),
    commandLine: (pid) => {
      const line = identities.commandLine(pid)
      return line === null ? null : splitCommandLine(line)
    },
    waitedChildrenCpuMs: null,
  }
}

/** CPU time and working set of a few processes, each opened on its own (GetProcessTimes, GetProcessMemoryInfo). */
export function processUsage(calls: WindowsCalls, pids: readonly number[]): Map<number, ProcessUsage> {
  const usage = new Map<number, ProcessUsage>()
  for (const pid of pids) {
    const handle = calls.openProcess(pid)
    if (handle === null) continue // gone
    try {
      const times = calls.processTimes(handle)
      const rss = calls.workingSet(handle)
      if (times && rss !== null && !exited(calls, handle)) usage.set(pid, { cpuTimeMs: ticksToMs(times.cpuTime), rss })
    } finally {
      calls.closeHandle(handle)
    }
  }
  return usage
}

/** A handle opens an ended process too while anyone holds it (a parent that has not closed its own): its exit code says. */
function exited(calls: WindowsCalls, handle: unknown): boolean {
  return calls.exitCode(handle) !== STILL_ACTIVE
}

/** GetExitCodeProcess's code for a process still running. */
const STILL_ACTIVE = 259
