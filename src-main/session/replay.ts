// One run of a saved session, in memory, for the UI's replay. The file streams by a chunk at a
// time; only the chosen run's events are kept, up to a cap, so a huge session cannot exhaust
// the host or the WebSocket. Without a runId the last run is chosen, in one pass: each new
// run.start drops the events gathered for the previous run. Output is thinned as the live view
// thins it (src-shared/output-thinning.ts): a flood's lines are counted in gaps, so a replay of a
// run that printed millions of lines still reaches the run's end.
import type { FrameEvent, LabEvent } from '../../src-shared/events'
import type { SessionReplay } from '../../src-shared/contract'
import { LIVE_LINES_PER_SECOND, thinOutput } from '../../src-shared/output-thinning'
import { RunIndex } from './catalog'
import { shapeProblem } from './event-shape'
import { openSessionBatches, WarningTally } from './reader'

export const REPLAY_MAX_EVENTS = 100_000
/** Raw bytes of kept lines; the JSON sent to the UI is about the same size. */
export const REPLAY_MAX_BYTES = 24 * 1024 * 1024

export interface ReplayLimits {
  maxEvents: number
  maxBytes: number
}

/** Session time thinned at once: about six frames of the live view. */
const WINDOW_US = 100_000
const LINES_PER_WINDOW = (LIVE_LINES_PER_SECOND * WINDOW_US) / 1e6

/** Gathers a run's events a window of session time at a time, and keeps them thinned and capped. */
class ThinnedRun {
  events: FrameEvent[] = []
  bytes = 0
  omitted = 0
  /** Lines counted in gaps rather than kept. */
  thinned = 0
  private window: LabEvent[] = []
  private windowEnd = -Infinity
  private readonly rawBytes = new Map<LabEvent, number>()

  constructor(private readonly limits: ReplayLimits) {}

  add(event: LabEvent, rawLength: number): void {
    if (event.t >= this.windowEnd) {
      this.flush()
      this.windowEnd = event.t + WINDOW_US
    }
    this.window.push(event)
    this.rawBytes.set(event, rawLength)
  }

  flush(): void {
    for (const event of thinOutput(this.window, LINES_PER_WINDOW)) {
      if (event.kind === 'output.gap') {
        this.thinned += event.count
        this.keep(event, 0)
      } else this.keep(event, this.rawBytes.get(event) ?? 0)
    }
    this.window = []
    this.rawBytes.clear()
  }

  private keep(event: FrameEvent, bytes: number): void {
    if (this.events.length >= this.limits.maxEvents || this.bytes + bytes > this.limits.maxBytes) {
      this.omitted++
      return
    }
    this.events.push(event)
    this.bytes += bytes
  }
}

export async function readRunForReplay(
  file: string,
  id: string,
  wantedRunId: string | undefined,
  limits: ReplayLimits = { maxEvents: REPLAY_MAX_EVENTS, maxBytes: REPLAY_MAX_BYTES },
): Promise<SessionReplay> {
  const warnings = new WarningTally()
  // Throws SessionFormatError for a foreign, empty or newer file before anything is read.
  const session = await openSessionBatches(file, { onWarning: warnings.add })
  const runs = new RunIndex(true)
  let chosen: string | null = wantedRunId ?? null
  let run = new ThinnedRun(limits)
  const seen = new Set<string>()
  try {
    for await (const batch of session.batches) {
      for (const { event, raw, line } of batch) {
        const problem = shapeProblem(event as unknown as Record<string, unknown>)
        if (problem) {
          warnings.add({ file, line, kind: 'corrupt-line', message: `${file}: line ${line} is a ${event.kind} event the replay cannot show (${problem}); it was skipped` })
          continue
        }
        runs.countEvent(event as unknown as Record<string, unknown>)
        // The last run by default: a new run (by its run.start, or by its first event if that line is lost) starts over.
        if (wantedRunId === undefined && typeof event.runId === 'string' && (event.kind === 'run.start' || (event.runId !== chosen && !seen.has(event.runId)))) {
          seen.add(event.runId)
          chosen = event.runId
          run = new ThinnedRun(limits)
        }
        if (chosen === null || event.runId !== chosen) continue
        run.add(event, raw.length)
      }
    }
    run.flush()
  } finally {
    await session.close()
  }
  const list = runs.list()
  if (wantedRunId !== undefined && !list.some((r) => r.runId === wantedRunId)) {
    throw new RangeError(`session ${id} has no run '${wantedRunId}'; it has ${list.map((r) => r.runId).join(', ') || 'no runs'}`)
  }
  return {
    id,
    startedAtWall: session.header.startedAtWall,
    version: session.header.version,
    platform: session.header.platform,
    runs: list,
    runId: list.length > 0 ? chosen : null,
    events: run.events,
    omitted: run.omitted,
    skippedLines: warnings.count,
    message: replayMessage(run, warnings, limits),
  }
}

function replayMessage({ events, omitted, thinned }: ThinnedRun, warnings: WarningTally, limits: ReplayLimits): string | null {
  const kept = events.length
  const parts: string[] = []
  if (thinned > 0) {
    parts.push(`${thinned} output lines went by faster than the live view shows; the replay counts them without their text, as the live view does (the session log and its exports have every line).`)
  }
  if (omitted > 0) {
    parts.push(
      `This run has ${kept + omitted} events; the replay shows the first ${kept} (it holds at most ${limits.maxEvents} events or ` +
        `${Math.round(limits.maxBytes / 1024 / 1024)} MiB). Export the session to see all of it.`,
    )
  }
  if (warnings.count > 0) {
    parts.push(`${warnings.count} damaged line${warnings.count === 1 ? ' was' : 's were'} skipped${warnings.torn ? ' (the last one was cut short, probably by a crash)' : ''}.`)
  }
  return parts.length > 0 ? parts.join(' ') : null
}
