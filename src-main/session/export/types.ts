import type { SessionHeader } from '../format'
import type { EventRecord } from '../reader'
import type { EventFilter } from './filter'
import type { TextSink } from './sink'

export type ExportFormat = 'ndjson' | 'csv' | 'chrome-trace'

/**
 * One output format. It sees every event in file order, filtered out or not, because some
 * output depends on earlier events (a process's name comes from its process.start).
 */
export interface Exporter {
  start(sink: TextSink): void
  event(record: EventRecord, included: boolean, sink: TextSink): void
  finish(sink: TextSink): void
  /** Records written: lines, rows or trace events. */
  readonly written: number
}

export type ExporterFactory = (header: SessionHeader, filter: EventFilter) => Exporter
