// The one contract between the host and any UI: commands (request/response) and event frames.
// Both transports (Electron IPC and the WebSocket of `proclab serve`) carry exactly these shapes
// and validate incoming commands with the same runtime schemas.
import { z } from 'zod'
import type { FrameEvent } from './events'
import { LAB_LANGUAGES } from './language'
import { MAX_NESTING, nestedDeeperThan } from './nesting'

export const SIGNALS = ['SIGTERM', 'SIGKILL', 'SIGINT', 'SIGHUP', 'SIGSTOP', 'SIGCONT'] as const
export const signalSchema = z.enum(SIGNALS)
export type SignalName = z.infer<typeof signalSchema>

const pid = z.number().int().positive().max(2 ** 31 - 1)
const empty = z.object({}).strict()

/**
 * A session's id is its file name as the recorder names it (session/files.ts sessionFileName):
 * a plain name, never a path, so no command can reach outside the sessions folder.
 */
export const SESSION_ID_PATTERN = /^session-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z-\d{1,10}\.ndjson$/
const sessionId = z.string().max(80).regex(SESSION_ID_PATTERN, 'not a session id (a session file name such as session-2025-01-01T00-00-00-000Z-123.ndjson)')
export const EXPORT_FORMAT_NAMES = ['ndjson', 'csv', 'chrome-trace'] as const
export type ExportFormatName = (typeof EXPORT_FORMAT_NAMES)[number]
const sessionTime = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)

// ── The lab's script editor (issue 17, editor) ─────────────────────────────────────────────────
/**
 * A script of the user's lab folder is named by a plain file name, never a path (no slash, no dot
 * first), so no command can reach outside that folder; the extension says how it runs (.ts: TypeScript).
 */
export const LAB_SCRIPT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.(mjs|js|ts|mts)$/
/** The most a saved lab script may hold: a teaching script is a few kB; this leaves room, not a disk. */
export const LAB_SCRIPT_MAX_BYTES = 256 * 1024
const labScriptName = z.string().max(80).regex(LAB_SCRIPT_NAME_PATTERN, 'not a lab script name (letters, digits, - and _, then .mjs, .js, .mts or .ts; no folders)')
const labScriptCommands = {
  /** The source text of a built-in scenario, for the editor to open as a script of one's own. */
  'scenarios.source': z.object({ id: z.string().min(1).max(200) }).strict(),
  /** The scripts saved in the user's lab folder, newest first. */
  'lab.scripts.list': empty,
  'lab.scripts.read': z.object({ name: labScriptName }).strict(),
  /** Writes a script into the lab folder (over one of the same name); run it with run.start's labScript. */
  'lab.scripts.save': z.object({ name: labScriptName, source: z.string().max(LAB_SCRIPT_MAX_BYTES) }).strict(),
} as const
// ── end: the lab's script editor ──────────────────────────────────────────────────────────────

export const commandSchemas = {
  hello: empty,
  'scenarios.list': empty,
  /**
   * Start a lab run from a built-in scenario id or a script path on the host's disk. `lang` is the
   * language its lab processes are asked to print in (`lang` of 'proclab'); English if absent.
   */
  'run.start': z.union([
    z.object({ scenario: z.string().min(1).max(200), lang: z.enum(LAB_LANGUAGES).optional() }).strict(),
    z.object({ script: z.string().min(1).max(4096), lang: z.enum(LAB_LANGUAGES).optional() }).strict(),
    /** A script of the user's lab folder, by name (lab.scripts.save wrote it). */
    z.object({ labScript: labScriptName, lang: z.enum(LAB_LANGUAGES).optional() }).strict(),
  ]),
  /** End the current run: its whole process tree is ended. */
  'run.stop': empty,
  /**
   * Pause the current run: every process of it stops where it is, and the broker grants nothing
   * until run.resume (issue 17). Kill, join and run.stop still work while it is paused.
   */
  'run.pause': empty,
  /** Let a paused run go on: what the broker held is handled in order, then every process continues. */
  'run.resume': empty,
  /**
   * While paused, let one lab process (by lid) run until it comes to its next lab operation
   * (acquire, release, put, get, send, recv, wait, ...), where it stops again (run.step, process.at).
   */
  'run.step': z.object({ lid: z.string().min(1).max(256) }).strict(),
  /** The current run's events so far, so a UI that connects late can catch up. */
  'run.snapshot': empty,
  /**
   * Send a signal to one process, or with `tree: true` to it and every descendant (by ppid): the
   * tree is stopped top-down first so nothing forks a replacement, then signalled, then continued.
   */
  'process.signal': z.object({ pid, signal: signalSchema, tree: z.boolean().optional() }).strict(),
  /** Wait for a lab process to exit (as `join()` would), at most timeoutMs if given. */
  'process.join': z.object({ pid, timeoutMs: z.number().int().min(0).max(86_400_000).optional() }).strict(),
  'monitor.list': empty,
  /**
   * The process table as changes since an earlier answer of this command (`since`: its `id`), for a
   * UI that keeps its own copy: a whole table is ~2 MB of JSON at 10,000 processes, its changes in a
   * second usually a few kB. Without `since`, or when the host no longer holds that answer, the whole
   * table comes as `added` and `since` in the answer is null.
   */
  'monitor.changes': z.object({ since: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional() }).strict(),
  /** Machine-wide figures for the System tab's header: per-core CPU, memory, swap, load, counts. */
  'monitor.system': empty,
  /** What only a look inside one process tells: cwd, environment, open files, children. */
  'monitor.details': z.object({ pid }).strict(),
  /** The recorded sessions in the sessions folder, newest first. */
  'sessions.list': empty,
  /** Deletes a recorded session; never the one being recorded now. */
  'sessions.delete': z.object({ id: sessionId }).strict(),
  /**
   * Deletes several recorded sessions at once (the Sessions tab's "Delete selected"). Every id must
   * be a session file name, or nothing is deleted; the one being recorded now is refused, the
   * others deleted, and the answer says which went and which did not.
   */
  'sessions.deleteMany': z.object({ ids: z.array(sessionId).min(1).max(10_000) }).strict(),
  /** One run of a session for replay (the last run when runId is absent). */
  'sessions.read': z.object({ id: sessionId, runId: z.string().min(1).max(64).optional() }).strict(),
  /** Writes an export into the exports folder next to the sessions and says where. */
  'sessions.export': z
    .object({
      id: sessionId,
      format: z.enum(EXPORT_FORMAT_NAMES),
      kinds: z.array(z.string().min(1).max(64)).min(1).max(64).optional(),
      fromUs: sessionTime.optional(),
      toUs: sessionTime.optional(),
    })
    .strict(),
  ...labScriptCommands,
} as const

export type CommandName = keyof typeof commandSchemas
export const COMMAND_NAMES = Object.keys(commandSchemas) as CommandName[]
export type CommandArgs<K extends CommandName> = z.infer<(typeof commandSchemas)[K]>

export interface HelloInfo {
  app: 'proclab'
  version: string
  platform: string
  hostPid: number
  /** Wall-clock time (ms since epoch) at which the session's t = 0. */
  sessionStartWall: number
  /** The NDJSON file this session is recorded to, or null when not recorded. */
  sessionFile: string | null
  /**
   * Why this session is not (or no longer) recorded, in one line naming the file and the reason
   * (a full disk, a read-only folder); null while it records, or when it was told not to.
   */
  recordingError: string | null
  /** The user the host runs as, spelled as `SystemProcess.user` spells it (for "only my processes"). */
  user: string
  /** The signals the host's OS can send (of SIGNALS, in that order): the kill dialog offers only these (Windows: SIGTERM, SIGKILL). */
  signals: SignalName[]
}

export interface Localized {
  en: string
  zh: string
}

export interface ScenarioInfo {
  id: string
  title: Localized
  /** What the run teaches, in a sentence or two. */
  lesson: Localized
}

export interface RunSnapshot {
  runId: string | null
  running: boolean
  /** The run so far; the oldest lines of a long run are counted in gaps, not sent. */
  events: FrameEvent[]
}

export type ProcessState = 'running' | 'sleeping' | 'disk-wait' | 'stopped' | 'zombie' | 'idle' | 'unknown'

/**
 * Why the host will not signal a process, as the System tab shows it before anyone asks: pid 1,
 * ProcLab's own processes, a process ProcLab runs under, another user's (the host not being root).
 * The host refuses these on its own too, whatever a UI sends.
 */
export const SIGNAL_REFUSALS = ['init', 'proclab', 'host-ancestor', 'other-user'] as const
export type SignalRefusal = (typeof SIGNAL_REFUSALS)[number]

export interface SystemProcess {
  pid: number
  ppid: number
  name: string
  command: string
  user: string
  state: ProcessState
  /** % of one core since the previous sample (htop's convention); 0 on the first sample. */
  cpu: number
  /** Resident memory in bytes. */
  rss: number
  /** Wall-clock start time, ms since epoch, when known. */
  startedAt: number | null
  /** Started by this host's lab. */
  lab: boolean
  /** Threads of the process; null where the platform does not say (systeminformation). */
  threads: number | null
  /** Nice value (-20..19 on Unix); null where the platform does not say. */
  nice: number | null
  /** rss as % of the machine's RAM, rounded to 0.1. */
  memPercent: number
  /** Why this user may not signal it from ProcLab (its Kill is greyed), or null when they may. */
  signalRefused: SignalRefusal | null
}

/** The fields of a SystemProcess, in the order `SystemProcessColumns` lists them. */
export const SYSTEM_PROCESS_FIELDS = ['pid', 'ppid', 'name', 'command', 'user', 'state', 'cpu', 'rss', 'startedAt', 'lab', 'threads', 'nice', 'memPercent', 'signalRefused'] as const satisfies ReadonlyArray<keyof SystemProcess>

/** Processes column by column: entry i of every array is process i (no key repeated per row). */
export type SystemProcessColumns = { [K in keyof SystemProcess]: SystemProcess[K][] }

/** Per field, the processes whose value changed: `pids[i]` now has `values[i]`. */
export type SystemProcessUpdates = { [K in keyof SystemProcess]?: { pids: number[]; values: SystemProcess[K][] } }

/** `monitor.changes`: what differs between the table of answer `since` and the table now. */
export interface SystemProcessChanges {
  /** This answer; pass it as `since` next time. */
  id: number
  /** The answer these changes apply to; null when `added` is the whole table. */
  since: number | null
  /** Processes that are new since then (or every process, when `since` is null). */
  added: SystemProcessColumns
  /** Processes of `since` that are gone. */
  removed: number[]
  /** Fields that changed in processes that were there before and still are. */
  updated: SystemProcessUpdates
  /** Processes in the table now: a copy that applied every answer has exactly this many. */
  count: number
}

/** The System tab's header. */
export interface SystemSummary {
  /** % busy per core since the previous call (since boot on the very first), rounded to 0.1. */
  cpus: number[]
  /** 1, 5 and 15 minute load averages (zeros on Windows, which has none). */
  load: [number, number, number]
  /** Bytes. `used` is total - available, as `free` shows it. */
  mem: { total: number; used: number; available: number }
  swap: { total: number; used: number }
  processes: number
  /** Threads on the machine; null where the platform does not say. */
  threads: number | null
  uptimeS: number
}

/** A value read from the OS, or why it could not be: not readable is an answer, not a failure. */
/** One process of a tree signal: sent, or why not (refused, already gone, ...). Top-down order. */
export interface SignalOutcome {
  pid: number
  ok: boolean
  /** Set when ok is false: 'refused' (protected, another user's), 'not-found' (ended meanwhile), 'failed'. */
  code?: 'refused' | 'not-found' | 'failed'
  error?: string
}

export type Readable<T> = { ok: true; value: T } | { ok: false; reason: string }

export interface ProcessDetails {
  pid: number
  cwd: Readable<string>
  /** NAME=value strings, in the order the process has them. */
  environment: Readable<string[]>
  openFiles: Readable<number>
  /** Direct children, by pid, ascending. */
  children: number[]
}

export interface SessionRunInfo {
  runId: string
  title: string
  /** Session time (µs) of run.start and run.end; endT null if the run never ended in the file. */
  startT: number
  endT: number | null
  ok: boolean | null
  /** The user stopped it (not a failure; ok is false). */
  stopped: boolean
  /** Events of the run; null in the listing (counting them there would mean parsing every line). */
  events: number | null
}

/** A recorded run in the user's terms, as `proclab sessions` and the Sessions tab list it. */
export interface RunSummary {
  runId: string
  /** A scenario's id, a script's file name, or the run's title when what it ran is not known. */
  name: string
  kind: 'scenario' | 'script' | 'unknown'
  result: 'ok' | 'failed' | 'stopped' | 'unfinished'
  /** Why it failed: the first line of run.end's error, cut to a few hundred characters. */
  error: string | null
  /** Seconds from its start to its end; null when no end was recorded. */
  seconds: number | null
}

export interface SessionInfo {
  /** The file name in the sessions folder. */
  id: string
  size: number
  /** From the header; null when the file is not a session this version reads (see error). */
  startedAtWall: number | null
  version: string | null
  platform: string | null
  format: number | null
  /** Lines after the header; estimated from the size for large files (eventsEstimated). */
  events: number
  eventsEstimated: boolean
  /** The session's runs, or null when the file is too large to scan for a listing. */
  runs: SessionRunInfo[] | null
  /** The same runs as `proclab sessions` describes them: what each ran and how it ended (null as runs). */
  ran: RunSummary[] | null
  /** The session this host is recording now: it cannot be deleted. */
  current: boolean
  error: string | null
}

export interface SessionReplay {
  id: string
  startedAtWall: number
  version: string
  platform: string
  runs: SessionRunInfo[]
  /** The run whose events follow; null when the session has no run. */
  runId: string | null
  /** Its events, output thinned as the live view's (a flood's lines counted in gaps). */
  events: FrameEvent[]
  /** Events of the run left out because of the replay's cap; `message` says so. */
  omitted: number
  /** Lines skipped as torn or corrupt. */
  skippedLines: number
  /** Something the user should know (a cap reached, lines skipped), or null. */
  message: string | null
}

// ── The lab's script editor (issue 17, editor) ─────────────────────────────────────────────────
export interface LabScriptInfo {
  /** The file name in the lab folder. */
  name: string
  bytes: number
  modifiedAtWall: number
}

export interface LabScriptSource {
  name: string
  source: string
}

export interface ScenarioSource {
  id: string
  /** The scenario's file name (its extension says JavaScript or TypeScript). */
  file: string
  source: string
}

export interface LabScriptSaved {
  name: string
  /** Where it was written, for the user to find it. */
  path: string
  bytes: number
}
// ── end: the lab's script editor ──────────────────────────────────────────────────────────────

export interface SessionExportInfo {
  id: string
  format: ExportFormatName
  /** File name in the exports folder (what the web download route takes). */
  name: string
  path: string
  bytes: number
  /** Lines, rows or trace events written. */
  written: number
  skippedLines: number
}

export interface CommandResults {
  hello: HelloInfo
  'scenarios.list': ScenarioInfo[]
  'run.start': { runId: string }
  'run.stop': { stopped: boolean }
  /** false: there was no running run, or it was paused already. */
  'run.pause': { paused: boolean }
  /** false: there was no paused run. */
  'run.resume': { resumed: boolean }
  /** `refused`: why it could not step (not paused, no such live process of the run, it is stepping already, this OS cannot). */
  'run.step': { stepping: true; refused: null } | { stepping: false; refused: string }
  'run.snapshot': RunSnapshot
  'process.signal': { pid: number; signal: SignalName; tree?: SignalOutcome[] }
  'process.join': { pid: number; exitCode: number | null; timedOut: boolean }
  'monitor.list': SystemProcess[]
  'monitor.changes': SystemProcessChanges
  'monitor.system': SystemSummary
  'monitor.details': ProcessDetails
  'sessions.list': SessionInfo[]
  'sessions.delete': { id: string; deleted: true }
  'sessions.deleteMany': { deleted: string[]; failed: Array<{ id: string; code: ErrorCode; error: string }> }
  'sessions.read': SessionReplay
  'sessions.export': SessionExportInfo
  'scenarios.source': ScenarioSource
  'lab.scripts.list': LabScriptInfo[]
  'lab.scripts.read': LabScriptSource
  'lab.scripts.save': LabScriptSaved
}

/** Error codes a UI can act on. */
export type ErrorCode =
  | 'bad-request' // the command or its arguments failed validation
  | 'not-found' // no such scenario, script, or process
  | 'refused' // not allowed (kill pid 1, the host itself, someone else's process)
  | 'busy' // e.g. a run is already going
  | 'failed' // it was tried and the OS said no (EPERM, ESRCH, ...)
  | 'internal'

export interface ErrorInfo {
  code: ErrorCode
  message: string
}

export const requestSchema = z
  .object({
    id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    cmd: z.enum(COMMAND_NAMES as [CommandName, ...CommandName[]]),
    args: z.unknown().optional(),
  })
  .strict()

export interface Request<K extends CommandName = CommandName> {
  id: number
  cmd: K
  args?: CommandArgs<K>
}

export type Response<K extends CommandName = CommandName> =
  | { id: number; ok: true; value: CommandResults[K] }
  | { id: number; ok: false; error: ErrorInfo }

/** What a transport pushes to the UI: the host's events, coalesced into frames (at most 60 a second). */
export interface EventFrame {
  type: 'events'
  events: FrameEvent[]
}

/** Messages from server to client on the WebSocket. */
export type ServerMessage = ({ type: 'response' } & Response) | EventFrame

/**
 * The id of a request that may be malformed, when it is one a client can have sent and can match
 * its answer to; else null. NaN, Infinity (JSON's 1e999) or 1.5 would come back as null or as a
 * number no request has, and leave the client waiting.
 */
export function clientRequestId(raw: unknown): number | null {
  const id = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : null
}

/** Checks a command that came from outside (renderer, WebSocket) and says what is wrong, never throws. */
export function parseRequest(raw: unknown): { ok: true; request: Request } | { ok: false; id: number | null; error: ErrorInfo } {
  const maybeId = clientRequestId(raw)
  // Before anything walks the value: what comes after may recurse, and a deep enough value would
  // overflow the stack (sooner on Windows, whose main thread has 1 MiB of it).
  if (nestedDeeperThan(raw, MAX_NESTING)) {
    return { ok: false, id: maybeId, error: { code: 'bad-request', message: `Malformed command: arrays and objects nested more than ${MAX_NESTING} levels deep (a command needs at most 3).` } }
  }
  const envelope = requestSchema.safeParse(raw)
  if (!envelope.success) {
    return { ok: false, id: maybeId, error: { code: 'bad-request', message: `Malformed command: ${describeIssues(envelope.error)}` } }
  }
  const { id, cmd } = envelope.data
  const args = commandSchemas[cmd].safeParse(envelope.data.args ?? {})
  if (!args.success) {
    return { ok: false, id, error: { code: 'bad-request', message: `Bad arguments for '${cmd}': ${describeIssues(args.error)}` } }
  }
  return { ok: true, request: { id, cmd, args: args.data } as Request }
}

/** Issue texts quote what was sent (an unknown key's name, say): each is cut, so the answer stays small. */
const MAX_ISSUE_CHARS = 200

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => clip(issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message))
    .join('; ')
}

function clip(text: string): string {
  return text.length <= MAX_ISSUE_CHARS ? text : `${text.slice(0, MAX_ISSUE_CHARS - 1)}…`
}
