import { execFileSync } from 'node:child_process'

/** The units of /proc/<pid>/stat's fields. */
export interface SystemFacts {
  /** Bytes per page (stat's rss). */
  pageSize: number
  /** USER_HZ, clock ticks per second (stat's times). */
  clockTicks: number
}

let facts: SystemFacts | null = null

/**
 * Asked once per process. Pages are 4 KiB on x86 but 16/64 KiB on some arm64 kernels; USER_HZ is
 * 100 on every architecture Linux still ships, which is the fallback.
 */
export function systemFacts(): SystemFacts {
  facts ??= { pageSize: getconf('PAGESIZE') ?? 4096, clockTicks: getconf('CLK_TCK') ?? 100 }
  return facts
}

function getconf(name: string): number | undefined {
  try {
    const value = Number(execFileSync('getconf', [name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 }).trim())
    return Number.isInteger(value) && value > 0 ? value : undefined
  } catch {
    return undefined
  }
}
