// One run of a saved session, in memory, for the UI's replay. The file streams by a chunk at a
// time; only the chosen run's events are kept, up to a cap, so a huge session cannot exhaust
// the host or the WebSocket. Without a runId the last run is chosen, in one pass: each new
// run.start drops the events gathered for the previous run.
import type { LabEvent } from '../../src-shared/events'
import type { SessionReplay } from '../../src-shared/contract'
import { RunIndex } from './catalog'
import { openSessionBatches, type SessionWarning } from './reader'

export const REPLAY_MAX_EVENTS = 100_000
/** Raw bytes of kept lines; the JSON sent to the UI is about the same size. */
export const REPLAY_MAX_BYTES = 24 * 1024 * 1024

export interface ReplayLimits {
  maxEvents: number
  maxBytes: number
}

export async function readRunForReplay(
  file: string,
  id: string,
  wantedRunId: string | undefined,
  limits: ReplayLimits = { maxEvents: REPLAY_MAX_EVENTS, maxBytes: REPLAY_MAX_BYTES },
): Promise<SessionReplay> {
  const warnings: SessionWarning[] = []
  // Throws SessionFormatError for a foreign, empty or newer file before anything is read.
  const session = await openSessionBatches(file, { onWarning: (w) => warnings.push(w) })
  const runs = new RunIndex(true)
  let chosen: string | null = wantedRunId ?? null
  let events: LabEvent[] = []
  let bytes = 0
  let omitted = 0
  const seen = new Set<string>()
  try {
    for await (const batch of session.batches) {
      for (const { event, raw } of batch) {
        runs.countEvent(event as unknown as Record<string, unknown>)
        // The last run by default: a new run (by its run.start, or by its first event if that line is lost) starts over.
        if (wantedRunId === undefined && typeof event.runId === 'string' && (event.kind === 'run.start' || (event.runId !== chosen && !seen.has(event.runId)))) {
          seen.add(event.runId)
          chosen = event.runId
          events = []
          bytes = 0
          omitted = 0
        }
        if (chosen === null || event.runId !== chosen) continue
        if (events.length >= limits.maxEvents || bytes + raw.length > limits.maxBytes) {
          omitted++
          continue
        }
        events.push(event)
        bytes += raw.length
      }
    }
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
    events,
    omitted,
    skippedLines: warnings.length,
    message: replayMessage(events.length, omitted, warnings, limits),
  }
}

function replayMessage(kept: number, omitted: number, warnings: SessionWarning[], limits: ReplayLimits): string | null {
  const parts: string[] = []
  if (omitted > 0) {
    parts.push(
      `This run has ${kept + omitted} events; the replay shows the first ${kept} (it holds at most ${limits.maxEvents} events or ` +
        `${Math.round(limits.maxBytes / 1024 / 1024)} MiB). Export the session to see all of it.`,
    )
  }
  if (warnings.length > 0) {
    const torn = warnings.some((w) => w.kind === 'torn-last-line')
    parts.push(`${warnings.length} damaged line${warnings.length === 1 ? ' was' : 's were'} skipped${torn ? ' (the last one was cut short, probably by a crash)' : ''}.`)
  }
  return parts.length > 0 ? parts.join(' ') : null
}
