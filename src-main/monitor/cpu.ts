import type { RawProcess } from './types'

/** Same process in two samples: same pid and (when known) the same start time, so a reused pid is not. */
export function sameProcess(a: RawProcess, b: RawProcess): boolean {
  if (a.pid !== b.pid) return false
  if (a.startedAt === null || b.startedAt === null) return true
  return Math.abs(a.startedAt - b.startedAt) < 1000
}

/**
 * CPU % of one process over the interval between two samples, htop's convention: 100 = one core
 * busy, so a process can show up to cores × 100. `before` is the same process in the previous
 * sample, if it was there.
 *
 * A process absent before started during the interval (or took over a pid), so all of its CPU
 * time was spent in it: counting it in full is what htop does, and it keeps short-lived busy
 * children from hiding. Rounded to 0.1, clamped to what the cores can give.
 */
export function cpuPercent(before: RawProcess | undefined, now: RawProcess, intervalMs: number, cores: number): number {
  let percent: number
  if (now.cpuTimeMs !== null) {
    if (!(intervalMs > 0)) return 0
    const base = before && sameProcess(before, now) ? (before.cpuTimeMs ?? now.cpuTimeMs) : 0
    percent = ((now.cpuTimeMs - base) / intervalMs) * 100
  } else {
    percent = now.cpuPercentHint ?? 0
  }
  const ceiling = Math.max(1, cores) * 100
  return Math.round(Math.min(ceiling, Math.max(0, percent)) * 10) / 10
}
