// Windows' whole process table in one system call, NtQuerySystemInformation(SystemProcessInformation),
// as System Informer reads it: no PowerShell, no WMI. CPU time, memory, threads, start time and
// state come from the kernel's answer; users and command lines once per new process (identity.ts).
import type { ProcessSampler, RawProcess } from '../types'
import { ProcessIdentities } from './identity'
import { ntStatusText, STATUS_INFO_LENGTH_MISMATCH, type WindowsCalls } from './table-calls'
import { parseProcessInformation, type NtProcess } from './process-info'
import { rawFromNt, withLiveParents } from './process-rows'

/** SYSTEM_INFORMATION_CLASS SystemProcessInformation. */
const SYSTEM_PROCESS_INFORMATION = 5
/** A first buffer that holds a few hundred processes; it grows to what the kernel asks for. */
const FIRST_BUFFER = 512 * 1024
/** Room for processes and threads started between the kernel saying the length and the next call. */
const SLACK = 64 * 1024

/** The kernel's process table, read into a buffer kept between calls. */
export class ProcessInformationReader {
  private buffer: Buffer

  constructor(
    private readonly calls: WindowsCalls,
    firstBuffer = FIRST_BUFFER,
  ) {
    this.buffer = Buffer.alloc(firstBuffer)
  }

  /** The table now, each process's parent checked against pid reuse (withLiveParents). */
  read(): NtProcess[] {
    return withLiveParents(this.readAsIs())
  }

  private readAsIs(): NtProcess[] {
    // The table may grow between two calls: a few tries, each with what the last one said it needed.
    for (let attempt = 0; attempt < 5; attempt++) {
      const { status, length } = this.calls.querySystemInformation(SYSTEM_PROCESS_INFORMATION, this.buffer)
      if (status === STATUS_INFO_LENGTH_MISMATCH) {
        this.buffer = Buffer.alloc(Math.max(length, this.buffer.length) + SLACK)
        continue
      }
      if (status < 0) throw new Error(`NtQuerySystemInformation(SystemProcessInformation) failed: ${ntStatusText(status)}`)
      return parseProcessInformation(this.buffer.subarray(0, length || this.buffer.length), this.calls.address(this.buffer))
    }
    throw new Error('NtQuerySystemInformation(SystemProcessInformation): the process table kept outgrowing the buffer')
  }
}

export class WindowsNativeSampler implements ProcessSampler {
  static readonly KIND = 'windows-nt'
  readonly kind = WindowsNativeSampler.KIND
  private readonly reader: ProcessInformationReader
  private readonly identities: ProcessIdentities

  constructor(calls: WindowsCalls) {
    this.reader = new ProcessInformationReader(calls)
    this.identities = new ProcessIdentities(calls)
  }

  async sample(): Promise<RawProcess[]> {
    const processes = this.reader.read()
    const identities = this.identities.forSample(processes)
    return processes.map((p, i) => rawFromNt(p, identities[i]!))
  }
}
