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
  const bytes = Buffer.from(text, 'utf8')
  return parseProcStatBytes(bytes, bytes.length)
}

/**
 * parseProcStat on the first `length` bytes of a buffer, as read from the file. The sampler runs
 * this for every process every sample, so nothing is decoded but comm: the fields after it are
 * read in place, as numbers, rather than split into ~50 strings that would be garbage at once.
 */
export function parseProcStatBytes(buf: Buffer, length: number): ProcStat | null {
  const open = buf.indexOf(OPEN_PAREN)
  const close = length > 0 ? buf.lastIndexOf(CLOSE_PAREN, length - 1) : -1
  if (open <= 0 || open >= length || close < open) return null
  const pid = leadingInteger(buf, open)
  if (pid === null || !readNumericFields(buf, close + 2, length)) return null
  const f = FIELDS
  const ppid = f[PPID]!
  const utime = f[UTIME]!
  const stime = f[STIME]!
  const nice = f[NICE]!
  const threads = f[THREADS]!
  const starttime = f[STARTTIME]!
  const rss = f[RSS]!
  if (!(Number.isFinite(ppid) && Number.isFinite(utime) && Number.isFinite(stime) && Number.isFinite(nice) && Number.isFinite(threads) && Number.isFinite(starttime) && Number.isFinite(rss))) return null
  return { pid, comm: buf.toString('utf8', open + 1, close), state: String.fromCharCode(buf[close + 2]!), ppid, utime, stime, nice, threads, starttime, rss }
}

/** The pid before " (": digits, maybe surrounded by spaces; null for anything else. */
function leadingInteger(buf: Uint8Array, end: number): number | null {
  let value = 0
  let digits = 0
  let i = 0
  while (i < end && buf[i] === SPACE) i++
  for (; i < end && buf[i]! >= DIGIT_0 && buf[i]! <= DIGIT_9; i++, digits++) value = value * 10 + (buf[i]! - DIGIT_0)
  while (i < end && buf[i] === SPACE) i++
  return digits > 0 && i === end ? value : null
}

const OPEN_PAREN = 0x28
const CLOSE_PAREN = 0x29
const SPACE = 0x20
const MINUS = 0x2d
const DIGIT_0 = 0x30
const DIGIT_9 = 0x39

// Fields of proc(5) by number; field n is at index n - 3 of numericFields (field 3, the state letter, is index 0).
const PPID = 4 - 3
const UTIME = 14 - 3
const STIME = 15 - 3
const NICE = 19 - 3
const THREADS = 20 - 3
const STARTTIME = 22 - 3
const RSS = 24 - 3
/** Fields 3–24: the last one the monitor reads is rss. */
const FIELDS_READ = 22

/** Where readNumericFields leaves its numbers: reused, since every process of every sample parses one line. */
const FIELDS = new Float64Array(FIELDS_READ)

/**
 * Fields 3–24 of a stat line from byte `start` (just after "pid (comm) ") to `length`, as numbers
 * in FIELDS: what `Number()` of each word of `text.slice(start).trimEnd().split(' ')` gives for a
 * decimal integer or an empty word, NaN for anything else (the state letter). False if there are fewer.
 */
function readNumericFields(buf: Uint8Array, start: number, length: number): boolean {
  let end = length
  while (end > start && isSpace(buf[end - 1]!)) end--
  if (start > end) return false
  let count = 0
  let value = 0
  let sign = 1
  let valid = true
  for (let i = start; i <= end && count < FIELDS_READ; i++) {
    const c = i < end ? buf[i]! : SPACE
    if (c === SPACE) {
      FIELDS[count++] = valid ? sign * value : Number.NaN
      value = 0
      sign = 1
      valid = true
    } else if (c >= DIGIT_0 && c <= DIGIT_9) value = value * 10 + (c - DIGIT_0)
    else if (c === MINUS && value === 0 && sign === 1 && buf[i - 1] === SPACE) sign = -1
    else valid = false
  }
  return count === FIELDS_READ
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13
}

/** /proc/<pid>/cmdline: NUL-separated argv; empty for kernel threads and zombies. */
export function parseCmdline(buf: Buffer | string): string[] {
  const text = typeof buf === 'string' ? buf : buf.toString('utf8')
  if (text.length === 0) return []
  // Usually NUL-terminated; programs that rewrite their argv (setproctitle) may pad with NULs or drop the last one.
  const trimmed = text.replace(/\0+$/, '')
  return trimmed.length === 0 ? [] : trimmed.split('\0')
}

/** The thread group (the process) a task belongs to, from /proc/<id>/status; its own id for a process. */
export function parseStatusTgid(text: string): number | null {
  const match = /^Tgid:\s+(\d+)$/m.exec(text)
  return match ? Number(match[1]) : null
}

/** The effective uid from /proc/<pid>/status ("Uid:\treal\teffective\tsaved\tfs"), as ps shows it. */
export function parseStatusUid(text: string): number | null {
  const match = /^Uid:\s+(\d+)\s+(\d+)/m.exec(text)
  return match ? Number(match[2]) : null
}
