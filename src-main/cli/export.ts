// `proclab export`: a recorded session as NDJSON, CSV or a Chrome trace (opens in Perfetto).
import { createWriteStream } from 'node:fs'
import { parseArgs } from 'node:util'
import { describeFsError, EXPORT_FORMATS, exportSession, type ExportFormat } from '../session'
import { UsageError } from './usage'

/** Warnings printed one by one; past this many only their count is. */
const SHOWN_WARNINGS = 20

export async function exportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { format: { type: 'string', short: 'f' }, output: { type: 'string', short: 'o' }, kind: { type: 'string', multiple: true }, from: { type: 'string' }, to: { type: 'string' } },
    strict: true,
  })
  const [file] = positionals
  if (!file || positionals.length > 1) throw new UsageError('export takes one session file (see `proclab sessions`)')
  const format = (values.format ?? 'ndjson') as ExportFormat
  if (!(format in EXPORT_FORMATS)) throw new UsageError(`--format takes ${Object.keys(EXPORT_FORMATS).join(', ')}, got '${values.format}'`)
  // A new file is readable by its owner only, like the session it comes from.
  const out = values.output ? createWriteStream(values.output, { mode: 0o600 }) : process.stdout
  let result
  let warned = 0
  try {
    result = await exportSession(file, format, out, {
      kinds: values.kind,
      fromUs: microseconds(values.from, '--from'),
      toUs: microseconds(values.to, '--to'),
      // A damaged file can have millions of bad lines: the first ones are shown, all are counted.
      onWarning: (warning) => warned++ < SHOWN_WARNINGS && process.stderr.write(`proclab: ${warning.message}\n`),
    })
  } catch (error) {
    // Node's "ENOSPC: ..., write" names neither file: say which one could not be written.
    if (values.output && (error as NodeJS.ErrnoException).syscall === 'write') throw new Error(`cannot write ${values.output}: ${describeFsError(error)}`)
    throw error
  }
  if (result.skippedLines > SHOWN_WARNINGS) process.stderr.write(`proclab: ${result.skippedLines} damaged lines in all were skipped\n`)
  if (values.output) process.stderr.write(`wrote ${values.output}: ${result.written} ${format} records from ${result.eventsRead} events in ${result.durationMs.toFixed(0)} ms\n`)
  return 0
}

function microseconds(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined
  const seconds = Number(value)
  if (!Number.isFinite(seconds) || seconds < 0) throw new UsageError(`${option} takes seconds since the session started, got '${value}'`)
  return Math.round(seconds * 1e6)
}
