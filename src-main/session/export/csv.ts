// One row per event with fixed columns, for spreadsheets and pandas. RFC 4180: CRLF rows, fields
// quoted when they hold a quote, comma or line break. UTF-8 without a BOM.
import { asLoose, num, str, type LooseEvent } from '../lab-events'
import { ProcessFold } from '../../../src-shared/folds/processes'
import { ObjectLabels } from './object-labels'
import type { ExporterFactory } from './types'

export const CSV_COLUMNS = ['seq', 't_us', 'wall', 'kind', 'pid', 'name', 'object', 'value', 'detail'] as const

// The one number worth a column, by kind family; the first present wins.
const VALUE_KEYS = ['exitCode', 'depth', 'waitedUs', 'heldUs', 'bytes', 'durationUs', 'pausedUs', 'value', 'tasks', 'newPpid', 'deadlock'] as const
// Fields shown in their own column never repeat in `detail`.
const SHOWN = new Set(['seq', 't', 'kind', 'pid', 'object'])

export const csvExporter: ExporterFactory = (header) => {
  const wall = wallClock(header.startedAtWall)
  // Names as the UI shows them (the process fold's); by pid too, for events that name no lid (a kill).
  const processes = new ProcessFold()
  const nameByPid = new Map<number, string>()
  const objects = new ObjectLabels()
  let written = 0

  function nameOf(e: LooseEvent): string {
    const lid = str(e, 'lid')
    const pid = num(e, 'pid')
    // A new run starts the fold over, but its names stay known by pid for the rest of the file.
    if (e.kind === 'run.start') return ''
    const started = processes.apply(e)
    if (started?.what === 'start') {
      nameByPid.set(started.process.pid, started.process.name)
      return started.process.name
    }
    return (lid !== null ? processes.get(lid)?.name : undefined) ?? (pid !== null ? nameByPid.get(pid) : undefined) ?? ''
  }

  return {
    get written() {
      return written
    },
    start(sink) {
      sink.push(CSV_COLUMNS.join(',') + '\r\n')
    },
    event(record, included, sink) {
      const e = asLoose(record.event)
      objects.relabel(e)
      const name = nameOf(e) // also learns names from excluded process.start events
      if (!included) return
      const pid = num(e, 'pid')
      const valueKey = VALUE_KEYS.find((k) => num(e, k) !== null)
      const fields = [
        String(e.seq),
        String(e.t),
        wall(e.t),
        e.kind,
        pid === null ? '' : String(pid),
        name,
        str(e, 'object') ?? '',
        valueKey === undefined ? '' : String(e[valueKey]),
        detailOf(e, valueKey),
      ]
      sink.push(fields.map(csvField).join(',') + '\r\n')
      written++
    },
    finish() {},
  }
}

function detailOf(e: LooseEvent, valueKey: string | undefined): string {
  if ((e.kind === 'stdout' || e.kind === 'stderr') && typeof e.line === 'string') return e.line
  const rest: Record<string, unknown> = {}
  let any = false
  for (const key of Object.keys(e)) {
    if (SHOWN.has(key) || key === valueKey || (key === 'name' && e.kind === 'process.start')) continue
    rest[key] = e[key]
    any = true
  }
  return any ? JSON.stringify(rest) : ''
}

/** ISO time of a session time; consecutive events mostly share a millisecond, so the last is kept. */
function wallClock(startedAtWall: number): (tUs: number) => string {
  let lastMs = NaN
  let last = ''
  return (tUs) => {
    const ms = Math.floor(startedAtWall + tUs / 1000)
    if (ms !== lastMs) {
      lastMs = ms
      last = Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : ''
    }
    return last
  }
}

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}
