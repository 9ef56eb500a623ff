// The session itself, optionally narrowed: lines are copied byte for byte, so an unfiltered
// export of an undamaged log is identical to it, and a damaged one comes out clean.
import type { ExporterFactory } from './types'
import { isFiltering } from './filter'

export const ndjsonExporter: ExporterFactory = (header, filter) => {
  let written = 0
  return {
    get written() {
      return written
    },
    start(sink) {
      // The filter is recorded so nobody mistakes an excerpt for the whole session.
      const out = isFiltering(filter) ? { ...header, filter: { ...filter } } : header
      sink.push(JSON.stringify(out) + '\n')
    },
    event(record, included, sink) {
      if (!included) return
      sink.push(record.raw + '\n')
      written++
    },
    finish() {},
  }
}
