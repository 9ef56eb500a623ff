// What a UI that connects (or reconnects) in the middle of a run is given to catch up: the run's
// events so far (`run.snapshot`). Bounded, because a run can print millions of lines: the newest
// lines are kept and the older ones counted in one gap per process, so the UI's totals stay exact.
import type { FrameEvent, LabEvent, LineEvent, OutputGap } from '../../src-shared/events'
import { isLineEvent } from '../../src-shared/events'
import { gapAt } from '../../src-shared/output-thinning'
import { MAX_LINES } from '../../src-shared/folds/output'

/** Events other than lines kept for a late UI; past it only those that shape the run are. */
export const EVENT_LIMIT = 100_000
/** Lines kept: as many as a UI's output pane holds (the output fold's, src-shared/folds/output.ts). */
export const LINE_LIMIT = MAX_LINES
/** Lines are trimmed in steps, not one by one: a splice moves every line kept. */
const LINE_SLACK = 5_000
/**
 * Kept past EVENT_LIMIT: without them a UI that catches up after a flood would show a run with no
 * end and processes that never exit. Object operations are what floods are made of. Every event the
 * process fold reads is here (an OS process, a zombie, an orphan's new parent), so a late UI's tree
 * is the one an early UI shows.
 */
const SHAPES_THE_RUN: ReadonlySet<LabEvent['kind']> = new Set(['run.start', 'run.end', 'run.paused', 'run.resumed', 'process.start', 'process.exit', 'os.start', 'os.exit', 'process.zombie', 'process.reparent', 'object.create', 'lab.error', 'user.kill', 'user.join', 'session.stopped'])

export class RunBacklog {
  private runId: string | null = null
  private events: LabEvent[] = []
  private lines: LineEvent[] = []
  /** Lines no longer kept, per process, standing where the first of them was. */
  private gaps = new Map<string, OutputGap>()

  /** The run whose events come next; what the previous run left is forgotten. */
  startRun(runId: string): void {
    this.runId = runId
    this.events = []
    this.lines = []
    this.gaps = new Map()
  }

  get currentRunId(): string | null {
    return this.runId
  }

  push(event: LabEvent): void {
    if (event.runId === null || event.runId !== this.runId) return
    if (isLineEvent(event)) {
      this.lines.push(event)
      if (this.lines.length > LINE_LIMIT + LINE_SLACK) this.trimLines()
    } else if (this.events.length < EVENT_LIMIT || SHAPES_THE_RUN.has(event.kind)) {
      this.events.push(event)
    }
  }

  /** The run so far, in seq order. */
  snapshot(): FrameEvent[] {
    const all: FrameEvent[] = [...this.events, ...this.gaps.values(), ...this.lines]
    return all.sort((a, b) => a.seq - b.seq)
  }

  private trimLines(): void {
    const dropped = this.lines.splice(0, this.lines.length - LINE_LIMIT)
    for (const line of dropped) {
      let gap = this.gaps.get(line.lid)
      if (!gap) this.gaps.set(line.lid, (gap = gapAt(line)))
      gap.count++
    }
  }
}
