/** The fields of Linux /proc/<pid>/stat that the monitor uses (see proc(5)). */
export interface ProcStat {
  pid: number
  /** The kernel's name for the process (TASK_COMM_LEN: at most 15 bytes, may hold spaces and ')'). */
  comm: string
  state: string
  ppid: number
  /** Clock ticks. */
  utime: number
  stime: number
  nice: number
  threads: number
  /** Clock ticks since boot. */
  starttime: number
  /** Pages. */
  rss: number
}

/**
 * Parses one /proc/<pid>/stat line; null if it is not one.
 * comm sits in parentheses and is chosen by the program (prctl/exec name), so it can contain
 * spaces, '(' and ')'. Nothing after it can contain ')', so the last ')' ends comm.
 */
export function parseProcStat(text: string): ProcStat | null {
  const open = text.indexOf('(')
  const close = text.lastIndexOf(')')
  if (open <= 0 || close < open) return null
  const pid = Number(text.slice(0, open).trim())
  // fields[0] is field 3 (state) of proc(5); field n is fields[n - 3]
  const fields = text.slice(close + 2).trimEnd().split(' ')
  if (!Number.isInteger(pid) || fields.length < 22) return null
  const num = (n: number): number => Number(fields[n - 3])
  const stat: ProcStat = {
    pid,
    comm: text.slice(open + 1, close),
    state: fields[0] ?? '?',
    ppid: num(4),
    utime: num(14),
    stime: num(15),
    nice: num(19),
    threads: num(20),
    starttime: num(22),
    rss: num(24),
  }
  for (const value of [stat.ppid, stat.utime, stat.stime, stat.nice, stat.threads, stat.starttime, stat.rss]) {
    if (!Number.isFinite(value)) return null
  }
  return stat
}

/** /proc/<pid>/cmdline: NUL-separated argv; empty for kernel threads and zombies. */
export function parseCmdline(buf: Buffer | string): string[] {
  const text = typeof buf === 'string' ? buf : buf.toString('utf8')
  if (text.length === 0) return []
  // Usually NUL-terminated; programs that rewrite their argv (setproctitle) may pad with NULs or drop the last one.
  const trimmed = text.replace(/\0+$/, '')
  return trimmed.length === 0 ? [] : trimmed.split('\0')
}

/** The effective uid from /proc/<pid>/status ("Uid:\treal\teffective\tsaved\tfs"), as ps shows it. */
export function parseStatusUid(text: string): number | null {
  const match = /^Uid:\s+(\d+)\s+(\d+)/m.exec(text)
  return match ? Number(match[2]) : null
}
