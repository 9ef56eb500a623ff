// Windows' machine-wide figures from the kernel, without PowerShell: busy time per core from
// NtQuerySystemInformation(SystemProcessorPerformanceInformation), memory and page file from
// GlobalMemoryStatusEx. The layouts are read here, purely, so tests reach them on any OS.
import { freemem, totalmem, uptime } from 'node:os'
import type { SystemSummary } from '../../../src-shared/contract'
import type { SystemReader } from '../types'
import type { WindowsCalls } from './table-calls'

/** SYSTEM_INFORMATION_CLASS SystemProcessorPerformanceInformation. */
const SYSTEM_PROCESSOR_PERFORMANCE_INFORMATION = 8

/**
 * SYSTEM_PROCESSOR_PERFORMANCE_INFORMATION, one per processor of the caller's group (48 bytes):
 * 0x00 LARGE_INTEGER IdleTime, 0x08 KernelTime (idle time included), 0x10 UserTime,
 * 0x18 DpcTime, 0x20 InterruptTime, 0x28 ULONG InterruptCount, 4 bytes of padding.
 */
export const PROCESSOR = { size: 48, idleTime: 0x00, kernelTime: 0x08, userTime: 0x10 } as const

/** One core's idle and total time so far, 100 ns units. */
export interface CoreTimes {
  idle: bigint
  total: bigint
}

export function parseProcessorTimes(bytes: Uint8Array): CoreTimes[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const cores: CoreTimes[] = []
  for (let at = 0; at + PROCESSOR.size <= bytes.byteLength; at += PROCESSOR.size) {
    const idle = view.getBigInt64(at + PROCESSOR.idleTime, true)
    cores.push({ idle, total: view.getBigInt64(at + PROCESSOR.kernelTime, true) + view.getBigInt64(at + PROCESSOR.userTime, true) })
  }
  return cores
}

/** % busy per core between two readings (since boot when there is no earlier one), rounded to 0.1. */
export function busyPercent(now: readonly CoreTimes[], before: readonly CoreTimes[] | null): number[] {
  return now.map((core, i) => {
    const earlier = before?.[i] ?? { idle: 0n, total: 0n }
    const total = Number(core.total - earlier.total)
    if (total <= 0) return 0
    const busy = 1 - Number(core.idle - earlier.idle) / total
    return Math.round(Math.min(1, Math.max(0, busy)) * 1000) / 10
  })
}

/**
 * MEMORYSTATUSEX (64 bytes): 0x00 dwLength, 0x04 dwMemoryLoad, 0x08 ullTotalPhys, 0x10 ullAvailPhys,
 * 0x18 ullTotalPageFile, 0x20 ullAvailPageFile (the commit limit and what is left of it, RAM
 * included), 0x28 ullTotalVirtual, 0x30 ullAvailVirtual, 0x38 ullAvailExtendedVirtual.
 */
export function parseMemoryStatus(bytes: Uint8Array): Pick<SystemSummary, 'mem' | 'swap'> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const read = (at: number) => Number(view.getBigUint64(at, true))
  const total = read(0x08)
  const available = read(0x10)
  const commitLimit = read(0x18)
  const commitAvailable = read(0x20)
  // Windows has no swap apart from RAM in its figures: the page files are the commit limit less
  // RAM, and their use what is committed beyond what RAM holds (psutil's reading), an estimate.
  // Under 1 MiB is no page file (Wine, without swap, reports one page).
  const pageFiles = commitLimit - total
  const swapTotal = pageFiles < 1024 * 1024 ? 0 : pageFiles
  const swapUsed = Math.min(swapTotal, Math.max(0, commitLimit - commitAvailable - (total - available)))
  return { mem: { total, used: Math.max(0, total - available), available }, swap: { total: swapTotal, used: swapUsed } }
}

export class WindowsSystemReader implements SystemReader {
  private before: CoreTimes[] | null = null
  private readonly buffer = Buffer.alloc(PROCESSOR.size * 256)

  constructor(
    private readonly calls: WindowsCalls,
    private readonly counts: () => { processes: number; threads: number | null },
  ) {}

  async read(): Promise<SystemSummary> {
    const { status, length } = this.calls.querySystemInformation(SYSTEM_PROCESSOR_PERFORMANCE_INFORMATION, this.buffer)
    const now = status >= 0 ? parseProcessorTimes(this.buffer.subarray(0, length)) : []
    const cpus = busyPercent(now, this.before)
    this.before = now
    const memory = this.calls.memoryStatus()
    const { mem, swap } = memory ? parseMemoryStatus(memory) : { mem: { total: totalmem(), used: totalmem() - freemem(), available: freemem() }, swap: { total: 0, used: 0 } }
    return {
      cpus,
      load: [0, 0, 0], // Windows keeps no load average
      mem,
      swap,
      ...this.counts(),
      uptimeS: Math.floor(uptime()),
    }
  }
}
