// Streams a session file into one output format: read a line, write its output, and wait for the
// output stream when it is full. Memory is bounded by the exporters' state (one entry per lab
// process and per open lock interval), never by the number of events.
import type { Writable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { asLoose } from '../lab-events'
import { openSessionBatches, WarningTally, type SessionWarning, type ReadOptions } from '../reader'
import { chromeTraceExporter } from './chrome-trace'
import { csvExporter } from './csv'
import { makeMatcher, type EventFilter } from './filter'
import { ndjsonExporter } from './ndjson'
import { TextSink } from './sink'
import type { ExportFormat, ExporterFactory } from './types'

export const EXPORT_FORMATS: Record<ExportFormat, ExporterFactory> = {
  ndjson: ndjsonExporter,
  csv: csvExporter,
  'chrome-trace': chromeTraceExporter,
}

export interface ExportOptions extends EventFilter, ReadOptions {
  /**
   * End `out` when done and wait until it has flushed. Default true, except for process.stdout
   * and process.stderr, which are never ended.
   */
  end?: boolean
}

export interface ExportResult {
  format: ExportFormat
  /** Readable events in the session. */
  eventsRead: number
  /** Lines, rows or trace events written (header lines not counted). */
  written: number
  bytes: number
  /** Lines of the session that were skipped: damaged, cut short or too long. */
  skippedLines: number
  /** The first of their warnings (at most WarningTally.KEPT). */
  warnings: SessionWarning[]
  durationMs: number
}

export async function exportSession(
  file: string,
  format: ExportFormat,
  out: Writable,
  options: ExportOptions = {},
): Promise<ExportResult> {
  const factory = EXPORT_FORMATS[format]
  if (!factory) throw new TypeError(`unknown export format ${JSON.stringify(format)}; use ndjson, csv or chrome-trace`)
  const began = performance.now()
  const warnings = new WarningTally(options.onWarning)
  // The header is checked before anything is written, so a foreign file leaves the output empty.
  const session = await openSessionBatches(file, { onWarning: warnings.add })
  const filter: EventFilter = { fromUs: options.fromUs, toUs: options.toUs, kinds: options.kinds }
  const matches = makeMatcher(filter)
  const exporter = factory(session.header, filter)
  const sink = new TextSink(out)
  // An output that fails mid-way (disk full, closed pipe) must end the export, not hang it.
  let outputError: Error | null = null
  const onError = (error: Error) => {
    outputError ??= error
  }
  out.on('error', onError)
  let eventsRead = 0
  try {
    exporter.start(sink)
    for await (const batch of session.batches) {
      for (const record of batch) {
        exporter.event(record, matches(asLoose(record.event)), sink)
        if (sink.full) await sink.flush()
      }
      eventsRead += batch.length
      if (outputError) throw outputError
    }
    exporter.finish(sink)
    await sink.flush()
    const end = options.end ?? (out !== process.stdout && out !== process.stderr)
    if (end) {
      out.end()
      await finished(out, { readable: false })
    }
    if (outputError) throw outputError
  } finally {
    out.off('error', onError)
    await session.close()
  }
  return { format, eventsRead, written: exporter.written, bytes: sink.bytes, skippedLines: warnings.count, warnings: warnings.first, durationMs: performance.now() - began }
}
