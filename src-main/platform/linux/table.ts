// The monitor's view of Linux: everything from procfs, no child process.
import type { ProcessTable } from '../types'
import { readLinuxDetails } from './details'
import { readProcParents } from './parents'
import { LinuxProcSampler } from './proc-sampler'
import { LinuxSystemReader, procTotalMemory } from './system'
import { procCommandLine, procUsage, waitedChildrenCpuMs } from './usage'

/** A sample this young is as good as a fresh listing of /proc for the header's process count. */
const RECENT_SAMPLE_MS = 2_000

/**
 * The process table of the procfs at `root`: /proc, or a simulated one (tests and benchmarks),
 * which is Linux-shaped on any OS. ~0.1 s of CPU per 1,000-process sample, against ~1 s for
 * systeminformation.
 */
export function procfsTable(root = '/proc'): ProcessTable {
  return {
    samplerKind: LinuxProcSampler.KIND,
    sampler: () => new LinuxProcSampler({ procRoot: root }),
    parentReader: () => () => readProcParents(root),
    details: (pid, childrenFromSample) => readLinuxDetails(pid, childrenFromSample, root),
    systemReader: (lastSample) =>
      new LinuxSystemReader(root, 200, () => {
        const last = lastSample()
        return last !== null && performance.now() - last.at < RECENT_SAMPLE_MS ? last.processes.length : null
      }),
    totalMemory: () => procTotalMemory(root),
    usage: (pids) => procUsage(pids, root),
    commandLine: (pid) => procCommandLine(pid, root),
    // This process's own children: from the real /proc whatever the table's root.
    waitedChildrenCpuMs: () => waitedChildrenCpuMs(),
  }
}
