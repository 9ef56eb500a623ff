// A flood of output (a loop printing 100,000 lines a second) would cost a UI as much to receive and
// draw as it costs the host to send, for lines nobody can read at that speed. UIs get at most a
// budget of lines per frame; the rest are counted in gaps (OutputGap), so every total stays exact
// and the session log, which keeps every line, is where the full text is.
import type { FrameEvent, LabEvent, LineEvent, OutputGap } from './events'
import { isLineEvent } from './events'

/**
 * Output lines UIs are shown per second of a run, live or replayed. A pane shows a few dozen
 * lines; at 60 frames a second a reader sees at most a few thousand go by, and scrolling back
 * finds the newest ones of each stretch.
 */
export const LIVE_LINES_PER_SECOND = 12_000

/**
 * Splits `budget` lines among processes, fairly: a process that printed little keeps all of it,
 * the ones that flood share what is left equally. Returns how many lines each may keep.
 */
export function fairShares(linesPerProcess: ReadonlyMap<string, number>, budget: number): Map<string, number> {
  const shares = new Map<string, number>()
  const byCount = [...linesPerProcess].sort((a, b) => a[1] - b[1])
  let left = budget
  byCount.forEach(([lid, count], index) => {
    const share = Math.min(count, Math.floor(left / (byCount.length - index)))
    shares.set(lid, share)
    left -= share
  })
  return shares
}

/**
 * The events with at most `budget` output lines left in. Each process keeps its newest lines
 * (the tail is what a reader of a flood looks at); the ones before are replaced by one gap, where
 * the first of them was. Events that are not lines are never left out. Returns the same array when
 * there is nothing to leave out.
 */
export function thinOutput(events: LabEvent[], budget: number): FrameEvent[] {
  const perProcess = new Map<string, number>()
  let lines = 0
  for (const event of events) {
    if (!isLineEvent(event)) continue
    lines++
    perProcess.set(event.lid, (perProcess.get(event.lid) ?? 0) + 1)
  }
  if (lines <= budget) return events

  const toDrop = new Map<string, number>()
  for (const [lid, keep] of fairShares(perProcess, budget)) toDrop.set(lid, perProcess.get(lid)! - keep)
  const gaps = new Map<string, OutputGap>()
  const thinned: FrameEvent[] = []
  for (const event of events) {
    const left = isLineEvent(event) ? (toDrop.get(event.lid) ?? 0) : 0
    if (left === 0) {
      thinned.push(event)
      continue
    }
    const line = event as LineEvent
    toDrop.set(line.lid, left - 1)
    let gap = gaps.get(line.lid)
    if (!gap) {
      gap = gapAt(line)
      gaps.set(line.lid, gap)
      thinned.push(gap)
    }
    gap.count++
  }
  return thinned
}

/** An empty gap standing where `line` was. */
export function gapAt(line: LineEvent): OutputGap {
  return { kind: 'output.gap', seq: line.seq, t: line.t, runId: line.runId, lid: line.lid, pid: line.pid, count: 0 }
}
