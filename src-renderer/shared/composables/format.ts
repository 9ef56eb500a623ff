// Plain text for values the units module does not cover (units.ts has durations, sizes, percentages).
export function formatCpu(percent: number): string {
  return percent.toFixed(1)
}

/** Wall-clock time of day with milliseconds: what a lab run's start and exit need. */
export function formatClock(wallMs: number): string {
  const d = new Date(wallMs)
  const pad = (n: number, w = 2) => String(n).padStart(w, '0')
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
}

/** Python's convention: minus the signal number for a process a signal ended. */
export function describeExit(exitCode: number | null, signal: string | null): string {
  if (exitCode === null) return signal ? `killed by ${signal}` : 'unknown'
  return signal ? `${exitCode} (${signal})` : String(exitCode)
}
