/** 0.4 s, 12.3 s, 4m 05s, 2h 03m: precise while short, readable when long. */
export function formatDuration(us: number): string {
  const seconds = Math.max(0, us) / 1e6
  if (seconds < 60) return `${seconds.toFixed(1)} s`
  const whole = Math.floor(seconds)
  const m = Math.floor(whole / 60) % 60
  const h = Math.floor(whole / 3600)
  const s = whole % 60
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m` : `${m}m ${String(s).padStart(2, '0')}s`
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`
}

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
