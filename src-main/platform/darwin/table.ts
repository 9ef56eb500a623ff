// The monitor's view of macOS from libproc (koffi): the table, parents read fresh, a few
// processes' CPU and memory on their own (the lab sampler's question), one process's arguments.
// Machine figures stay systeminformation's (os.cpus for CPU; vm_stat for memory). Written from the
// SDK's headers and tested from bytes on Linux: untested on a Mac.
import { totalmem } from 'node:os'
import { SiSystemReader } from '../si/system'
import { detailsFromTable } from '../table-details'
import type { ProcessTable, ProcessUsage } from '../types'
import { darwinCalls, type DarwinCalls } from './table-calls'
import { DarwinNativeSampler } from './native-sampler'
import { machTicksToMs, parseShortBsdInfo, parseTaskInfo } from './proc-info'
import { parseProcArgs } from './procargs'

/** Throws why libproc cannot be called, for the fallback seam (native-table.ts). */
export function darwinNativeTable(calls: DarwinCalls = darwinCalls()): ProcessTable {
  // The calls made once now, so a table that cannot be read fails here and not in the first sample.
  const timebase = calls.timebase()
  if (calls.listPids().length === 0) throw new Error('proc_listallpids listed no process')
  return {
    samplerKind: DarwinNativeSampler.KIND,
    sampler: () => new DarwinNativeSampler(calls),
    parentReader: () => () => {
      const parents = new Map<number, number>()
      for (const pid of calls.listPids()) {
        const short = calls.shortBsdInfo(pid)
        if (short) parents.set(pid, parseShortBsdInfo(short).ppid)
      }
      return parents
    },
    details: (pid, childrenFromSample) => detailsFromTable(pid, childrenFromSample, 'macOS'),
    systemReader: (lastSample) =>
      new SiSystemReader(() => {
        const processes = lastSample()?.processes ?? []
        // Another user's process has no thread count: the machine's total is then unknown.
        const threads = processes.length > 0 && processes.every((p) => p.threads !== null) ? processes.reduce((n, p) => n + p.threads!, 0) : null
        return { processes: processes.length, threads }
      }),
    totalMemory: () => totalmem(),
    usage: (pids) => {
      const usage = new Map<number, ProcessUsage>()
      for (const pid of pids) {
        const bytes = calls.taskInfo(pid)
        if (!bytes) continue // gone (a zombie has no task either)
        const task = parseTaskInfo(bytes)
        usage.set(pid, { cpuTimeMs: machTicksToMs(task.cpuTicks, timebase), rss: task.residentSize })
      }
      return usage
    },
    commandLine: (pid) => {
      const bytes = calls.procArgs(pid)
      return bytes ? (parseProcArgs(bytes)?.argv ?? null) : null
    },
    waitedChildrenCpuMs: null,
  }
}
