// The on-disk shape of a session log: one header line, then one LabEvent per line (NDJSON).
// Readers must accept every format up to SESSION_FORMAT and refuse newer ones by name, so a
// session from a newer ProcLab fails with a sentence a user can act on, not a parse error.

/** The format this version writes and the newest it reads. */
export const SESSION_FORMAT = 1

/** The session file's first line. Extra fields are allowed and ignored by readers. */
export interface SessionHeader {
  proclab: 'session'
  format: number
  /** ProcLab version that wrote the file. */
  version: string
  platform: string
  /** Wall-clock time (ms since epoch) at which the session's t = 0. */
  startedAtWall: number
  /**
   * The machine's monotonic clock (µs, the one lab processes stamp events with) at t = 0; absent
   * in files written before it was recorded. Unlike the wall clock it never jumps, so two
   * sessions of one boot can be lined up exactly.
   */
  startedAtMonotonicUs?: number
  hostPid: number
}

/** What a caller gives createRecorder: the marker fields are filled in by the recorder. */
export type SessionHeaderInit = Omit<SessionHeader, 'proclab' | 'format'>

/** The file is not a session this version can read: foreign, empty, or newer. */
export class SessionFormatError extends Error {
  override readonly name = 'SessionFormatError'
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message)
  }
}

export function makeHeader(init: SessionHeaderInit): SessionHeader {
  // The marker fields go first so `head -c 40 file` identifies a session.
  return {
    proclab: 'session',
    format: SESSION_FORMAT,
    version: init.version,
    platform: init.platform,
    startedAtWall: init.startedAtWall,
    ...(init.startedAtMonotonicUs === undefined ? {} : { startedAtMonotonicUs: init.startedAtMonotonicUs }),
    hostPid: init.hostPid,
  }
}

/** Checks a parsed first line; throws SessionFormatError with a plain reason. */
export function parseHeader(firstLine: string | undefined, file: string): SessionHeader {
  if (firstLine === undefined || firstLine.trim() === '') {
    throw new SessionFormatError(`${file} is empty: it has no ProcLab session header`, file)
  }
  let value: unknown
  try {
    value = JSON.parse(firstLine)
  } catch {
    throw new SessionFormatError(
      `${file} is not a ProcLab session: its first line is not a session header` +
        (firstLine.startsWith('{"proclab"') ? ' (the header line is cut short)' : ''),
      file,
    )
  }
  if (!isRecord(value) || value.proclab !== 'session') {
    throw new SessionFormatError(`${file} is not a ProcLab session: its first line is not a session header`, file)
  }
  if (nestsDeeperThan(firstLine, value, MAX_NESTING)) {
    throw new SessionFormatError(`${file} has a session header nested more than ${MAX_NESTING} levels deep; ProcLab never writes one`, file)
  }
  const format = value.format
  if (typeof format !== 'number' || !Number.isInteger(format) || format < 1) {
    throw new SessionFormatError(`${file} has a session header with no valid format number`, file)
  }
  if (format > SESSION_FORMAT) {
    throw new SessionFormatError(
      `this session was written by a newer ProcLab (format ${format}); this version reads format ${SESSION_FORMAT}`,
      file,
    )
  }
  const { startedAtMonotonicUs, ...rest } = value
  return {
    ...rest,
    proclab: 'session',
    format,
    version: typeof value.version === 'string' ? value.version : 'unknown',
    platform: typeof value.platform === 'string' ? value.platform : 'unknown',
    startedAtWall: finite(value.startedAtWall) ?? 0,
    ...(finite(startedAtMonotonicUs) === null ? {} : { startedAtMonotonicUs: startedAtMonotonicUs as number }),
    hostPid: finite(value.hostPid) ?? 0,
  }
}

/** JSON reads 1e400 as Infinity: a number field holds a finite number or is treated as absent. */
function finite(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

/**
 * How deep a line's values may nest. ProcLab's own events nest three levels (monitor.sample:
 * event, processes, entry); junk nested thousands deep parses, but overflows the stack of every
 * JSON.stringify and recursive walk that meets it later (an export, the replay sent to a UI).
 */
export const MAX_NESTING = 64

/** Whether `value` (parsed from `text`) nests deeper than `limit`. Costs a scan of the text only when it could. */
export function nestsDeeperThan(text: string, value: unknown, limit: number): boolean {
  // Each level takes an opening and a closing bracket, so a short line, or one with few of them,
  // needs no walk (the count costs ~7% of what JSON.parse costs on a typical event line).
  if (text.length <= 2 * limit) return false
  let opens = 0
  for (let at = text.indexOf('{'); at !== -1 && opens <= limit; at = text.indexOf('{', at + 1)) opens++
  for (let at = text.indexOf('['); at !== -1 && opens <= limit; at = text.indexOf('[', at + 1)) opens++
  if (opens <= limit) return false
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }]
  while (stack.length > 0) {
    const { value: node, depth } = stack.pop()!
    if (typeof node !== 'object' || node === null) continue
    if (depth > limit) return true
    for (const child of Object.values(node)) if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: depth + 1 })
  }
  return false
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
