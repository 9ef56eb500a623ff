// `proclab bench` rows for the session exports: a synthetic session of 1,000,000 events (100,000
// with --quick) exported in each format, timed, with the process's RSS sampled while it runs. The
// same exports of a session a quarter as long tell whether memory grows with the session (it must
// not: the exporters stream) or stays flat.
import { measureExport, type ExportMeasure } from './session-cost'
import type { ResultRow } from './report'

export const EXPORT_IDS = ['export-ndjson', 'export-csv', 'export-chrome-trace'] as const

/** "Finishes in seconds": the goal the rows are held to. */
const GOAL_SECONDS = 10
/** Growth of peak RSS that 4× the events may add over the shorter session's, and still be flat. */
const FLAT_SLACK_MIB = 64

export async function exportRows(events: number, wanted: (id: string) => boolean): Promise<ResultRow[]> {
  const formats = (['ndjson', 'csv', 'chrome-trace'] as const).filter((format) => wanted(`export-${format}`))
  if (formats.length === 0) return []
  const short = await measureExport({ events: Math.round(events / 4), formats })
  const long = await measureExport({ events, formats })
  return long.map((measured) => exportRow(measured, short.find((m) => m.format === measured.format)!))
}

function growth(m: ExportMeasure): number {
  return Math.max(0, m.peakRssMiB - m.startRssMiB)
}

export function exportRow(long: ExportMeasure, short: ExportMeasure): ResultRow {
  const seconds = long.ms / 1000
  const flat = growth(long) <= growth(short) + FLAT_SLACK_MIB
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`
  return {
    id: `export-${long.format}`,
    title: `Export of a ${long.events.toLocaleString('en-US')}-event session, ${long.format}`,
    unit: 's',
    better: 'lower',
    proclab: { name: 'ProcLab', value: seconds, runs: [seconds], detail: { long, short } },
    reference: { name: 'goal', value: GOAL_SECONDS, runs: [GOAL_SECONDS] },
    ratio: seconds / GOAL_SECONDS,
    kind: 'ratio',
    target: `≤ ${GOAL_SECONDS} s, memory flat`,
    status: seconds <= GOAL_SECONDS && flat ? 'PASS' : 'MISS',
    optional: true,
    note:
      `${mb(long.sessionBytes)} in, ${mb(long.outputBytes)} out, ${(long.events / seconds / 1000).toFixed(0)}k events/s; ` +
      `peak RSS +${growth(long).toFixed(0)} MiB over the ${long.startRssMiB.toFixed(0)} MiB before it, ` +
      `against +${growth(short).toFixed(0)} MiB for ${short.events.toLocaleString('en-US')} events (${(short.ms / 1000).toFixed(1)} s): ${flat ? 'flat' : 'grows with the session'}`,
  }
}
