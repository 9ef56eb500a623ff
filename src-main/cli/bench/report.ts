// The results of `proclab bench`: rows with both figures, the ratio and PASS/MISS, as a table
// for people and as JSON for tools.
export type Status = 'PASS' | 'MISS' | 'ERROR' | null

export interface Figure {
  name: string
  /** The best of the runs (highest or lowest, as `better` says); null when it could not be measured. */
  value: number | null
  runs: number[]
  /** Every field of the best run's BENCH line, for the curious. */
  detail?: Record<string, unknown>
  error?: string
}

export interface ResultRow {
  id: string
  title: string
  unit: string
  better: 'higher' | 'lower'
  proclab: Figure
  reference: Figure
  /** proclab ÷ reference; for a cost row, the overhead as a fraction (reference ÷ proclab − 1). */
  ratio: number | null
  kind: 'ratio' | 'cost'
  target: string | null
  status: Status
  /** Extras measured when their modules exist (monitor, recorder); the six workloads are not optional. */
  optional: boolean
  note?: string
}

export interface BenchReport {
  tool: 'proclab bench'
  date: string
  quick: boolean
  runs: number
  machine: { cores: number; cpu: string; platform: string; arch: string; node: string; python: string | null; loadBefore: number[]; loadAfter: number[]; roundTripUs?: number | null }
  workloads: ResultRow[]
  skipped: { id: string; reason: string }[]
}

const COLUMNS = ['workload', 'unit', 'ProcLab', 'reference', 'ratio', 'target', ''] as const

export function formatValue(value: number | null, unit: string): string {
  if (value === null || !Number.isFinite(value)) return '—'
  if (unit === 'msgs/s' || unit === 'ops/s' || unit === 'events/s') return Math.round(value).toLocaleString('en-US')
  if (unit === 's') return value.toFixed(2)
  if (value >= 100) return value.toFixed(0)
  return value.toFixed(1)
}

function formatRatio(row: ResultRow): string {
  if (row.ratio === null) return '—'
  if (row.kind === 'cost') return `${(row.ratio * 100).toFixed(1)} %`
  return `${row.ratio >= 10 ? row.ratio.toFixed(1) : row.ratio.toFixed(2)}×`
}

export function formatTable(report: BenchReport): string {
  const load = (values: number[]) => values.map((v) => v.toFixed(2)).join(' ')
  const header = [
    `ProcLab bench — ${report.date}${report.quick ? ' (--quick sizes)' : ''}`,
    `machine: ${report.machine.cores} cores (${report.machine.cpu}), ${report.machine.platform}-${report.machine.arch}; Node ${report.machine.node}; Python ${report.machine.python ?? 'not found'}`,
    `load average before: ${load(report.machine.loadBefore)}; after: ${load(report.machine.loadAfter)}; bare Node socket round trip: ${report.machine.roundTripUs ? `${report.machine.roundTripUs.toFixed(0)} µs` : '—'} (idle machine: ~30-40 µs)`,
    `each figure is the best of ${report.runs} run${report.runs === 1 ? '' : 's'}, timed inside the script around the measured part only (not process start-up)`,
    `ratio = ProcLab ÷ reference (for "lower is better" rows below 1 is faster); telemetry row: cost = off ÷ on − 1`,
    '',
  ]
  const body = report.workloads.map((row) => [
    row.title,
    `${row.unit}${row.better === 'lower' ? ' ↓' : ' ↑'}`,
    formatValue(row.proclab.value, row.unit),
    `${formatValue(row.reference.value, row.unit)} (${row.reference.name})`,
    formatRatio(row),
    row.target ?? '',
    row.status ?? '',
  ])
  const widths = COLUMNS.map((title, i) => Math.max(title.length, ...body.map((cells) => cells[i]!.length)))
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i >= 2 && i <= 4 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  const lines = [...header, line(COLUMNS), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)]
  const notes = report.workloads.filter((row) => row.note).map((row) => `  ${row.id}: ${row.note}`)
  const errors = report.workloads.flatMap((row) => [row.proclab, row.reference].filter((f) => f.error).map((f) => `  ${row.id} (${f.name}): ${f.error!.split('\n')[0]}`))
  if (notes.length) lines.push('', 'notes:', ...notes)
  if (errors.length) lines.push('', 'errors:', ...errors)
  if (report.skipped.length) lines.push('', 'skipped:', ...report.skipped.map((s) => `  ${s.id}: ${s.reason}`))
  const missed = report.workloads.filter((row) => row.status === 'MISS').length
  const passed = report.workloads.filter((row) => row.status === 'PASS').length
  lines.push('', `targets: ${passed} PASS, ${missed} MISS (a MISS is reported, not a failure)`)
  return `${lines.join('\n')}\n`
}
