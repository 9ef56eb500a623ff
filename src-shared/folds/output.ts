// The one reading of what the processes printed: stdout and stderr lines (the host sends each
// line as one event, already split) and the gaps where it left a flood's lines out. The output
// pane, the replay and the exporters count lines through this, so "1,204 lines" means the same
// everywhere. It keeps the newest MAX_LINES rows for a pane to show (a runaway printer should not
// eat the renderer) and counts every line, kept or not. A reader may put rows of its own among
// the lines (the Lab's notes about zombies and orphans): they count as no line of the process.

/** Rows kept; the oldest go past it. */
export const MAX_LINES = 20_000
/** Trimming in steps, not per row: a splice moves every kept row. */
const TRIM_SLACK = 5_000

export type OutputStream = 'stdout' | 'stderr'

/** A line or a gap, as the events say it; a reader turns it into the row it keeps. */
export type OutputItem =
  | { kind: 'line'; seq: number; t: number; lid: string; pid: number; stream: OutputStream; text: string }
  | { kind: 'gap'; seq: number; t: number; lid: string; pid: number; count: number }

/** Lines of one process, gaps' lines included. */
export interface ProcessLines {
  stdout: number
  stderr: number
  /** Lines the host left out (output.gap). */
  gapped: number
}

/** The fields the fold reads; a typed LabEvent fits, and so does a loosely parsed one. */
export interface OutputFoldInput {
  kind: string
  t: number
  seq?: unknown
  lid?: unknown
  pid?: unknown
  line?: unknown
  stream?: unknown
  count?: unknown
}

export interface OutputFoldOptions<Row> {
  /** The row kept for a line or gap (the default keeps the item itself). */
  row?: (item: OutputItem) => Row
  /** How many of the process's lines a kept row stands for, to count the dropped ones. */
  linesIn?: (row: Row) => number
  /** Rows kept (MAX_LINES); 0 keeps none, for a reader that only counts (an exporter). */
  maxLines?: number
}

export class OutputFold<Row = OutputItem> {
  /** The newest rows, oldest first; trimmed in place (a reader may hold on to the array). */
  readonly rows: Row[] = []
  /** Lines of the run so far, also those no longer kept and those in gaps. */
  total = 0
  /** Lines no longer kept in `rows`. */
  dropped = 0
  private readonly perProcess = new Map<string, ProcessLines>()
  private readonly toRow: (item: OutputItem) => Row
  private readonly linesIn: (row: Row) => number
  private readonly maxLines: number

  constructor(options: OutputFoldOptions<Row> = {}) {
    this.toRow = options.row ?? ((item) => item as Row)
    this.linesIn = options.linesIn ?? ((row) => itemLines(row as OutputItem))
    this.maxLines = options.maxLines ?? MAX_LINES
  }

  /** Folds one event; the item it added, or null when it is no output. */
  apply(event: OutputFoldInput): OutputItem | null {
    if (event.kind === 'run.start') {
      this.reset()
      return null
    }
    const item = itemOf(event)
    if (!item) return null
    const lines = this.linesOf(item.lid)
    if (item.kind === 'gap') lines.gapped += item.count
    else lines[item.stream]++
    this.push(this.toRow(item), item.kind === 'gap' ? item.count : 1)
    return item
  }

  /** A row of the reader's own among the lines, standing for `lines` lines (0 for a note). */
  push(row: Row, lines = 0): void {
    this.total += lines
    if (this.maxLines === 0) return
    this.rows.push(row)
    if (this.rows.length <= this.maxLines + TRIM_SLACK) return
    for (const old of this.rows.splice(0, this.rows.length - this.maxLines)) this.dropped += this.linesIn(old)
  }

  reset(): void {
    this.rows.length = 0
    this.total = 0
    this.dropped = 0
    this.perProcess.clear()
  }

  /** How many lines process `lid` printed (and had left out). */
  linesOf(lid: string): ProcessLines {
    let lines = this.perProcess.get(lid)
    if (!lines) this.perProcess.set(lid, (lines = { stdout: 0, stderr: 0, gapped: 0 }))
    return lines
  }

  /** Every process that printed, by lid. */
  processes(): ReadonlyMap<string, ProcessLines> {
    return this.perProcess
  }
}

/** A line or gap from an event; null for any other event, or one too damaged to place. */
export function itemOf(event: OutputFoldInput): OutputItem | null {
  const lid = typeof event.lid === 'string' ? event.lid : null
  if (lid === null) return null
  const at = { seq: typeof event.seq === 'number' ? event.seq : 0, t: event.t, lid, pid: typeof event.pid === 'number' ? event.pid : 0 }
  if (event.kind === 'stdout' || event.kind === 'stderr') {
    // A line is text; anything else a damaged file holds is shown as what it was.
    const text = typeof event.line === 'string' ? event.line : event.line === undefined ? '' : String(event.line)
    return { kind: 'line', ...at, stream: event.kind, text }
  }
  if (event.kind === 'output.gap') {
    const count = typeof event.count === 'number' && event.count > 0 ? Math.floor(event.count) : 0
    return { kind: 'gap', ...at, count }
  }
  return null
}

function itemLines(item: OutputItem): number {
  return item.kind === 'gap' ? item.count : 1
}
