// The monitor's view where there is neither /proc nor a native table (other Unixes, and the fallback
// on macOS and Windows): the table from systeminformation, details from the table alone, machine
// figures from systeminformation and `os`.
import { totalmem } from 'node:os'
import { detailsFromTable } from '../table-details'
import type { ParentTable, ProcessTable, TimedSample } from '../types'
import { SystemInformationSampler, type SiShape } from './sampler'
import { SiSystemReader } from './system'

export interface SiTableOptions {
  shape: SiShape
  /** The OS's name in messages ("not available on macOS"). */
  title: string
  /** How parents are read fresh for a signal; see ProcessTable.parentReader. */
  parentReader: (lastSample: () => TimedSample | null) => () => ParentTable
  /** pid → ps' state letter, where systeminformation's own words lose some (macOS: I and U). */
  stateLetters?: () => Map<number, string>
}

export function siTable({ shape, title, parentReader, stateLetters }: SiTableOptions): ProcessTable {
  return {
    samplerKind: SystemInformationSampler.KIND,
    sampler: () => new SystemInformationSampler(shape, undefined, stateLetters ?? null),
    parentReader,
    details: (pid, childrenFromSample) => detailsFromTable(pid, childrenFromSample, title),
    systemReader: (lastSample) =>
      new SiSystemReader(() => {
        const processes = lastSample()?.processes ?? []
        const threads = processes.length > 0 && processes.every((p) => p.threads !== null) ? processes.reduce((n, p) => n + p.threads!, 0) : null
        return { processes: processes.length, threads }
      }),
    totalMemory: () => totalmem(),
    usage: null,
    commandLine: null,
    waitedChildrenCpuMs: null,
  }
}

/** Parents from the last sample: where reading them fresh costs a whole sample (Windows, for now). */
export function parentsFromSample(lastSample: () => TimedSample | null): () => ParentTable {
  return () => new Map((lastSample()?.processes ?? []).map((p) => [p.pid, p.ppid]))
}
