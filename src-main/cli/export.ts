// `proclab export`: a recorded session as NDJSON, CSV or a Chrome trace (opens in Perfetto).
import { parseArgs } from 'node:util'
import { describeFsError, EXPORT_FORMATS, exportSession, type ExportFormat } from '../session'
import { openPartialFile, type PartialFile } from './partial-file'
import { resolveSession, sessionsFolder } from './session-ref'
import { UsageError } from './usage'

/** Warnings printed one by one; past this many only their count is. */
const SHOWN_WARNINGS = 20

export async function exportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string', short: 'f' },
      output: { type: 'string', short: 'o' },
      kind: { type: 'string', multiple: true },
      from: { type: 'string' },
      to: { type: 'string' },
      dir: { type: 'string' },
    },
    strict: true,
  })
  const [ref] = positionals
  if (!ref || positionals.length > 1) throw new UsageError('export takes one session: latest, a number from `proclab sessions`, a session name or a file')
  const format = (values.format ?? 'ndjson') as ExportFormat
  if (!(format in EXPORT_FORMATS)) throw new UsageError(`--format takes ${Object.keys(EXPORT_FORMATS).join(', ')}, got '${values.format}'`)
  const filter = { kinds: values.kind, fromUs: microseconds(values.from, '--from'), toUs: microseconds(values.to, '--to') }
  // Everything that can be refused is refused before an output file exists.
  const file = await resolveSession(ref, await sessionsFolder(values.dir))
  // A file is written complete or not at all: under a temporary name beside it, renamed at the end.
  const partial = values.output ? await openPartialFile(values.output) : null
  let result
  let warned = 0
  try {
    result = await exportSession(file, format, partial?.stream ?? process.stdout, {
      ...filter,
      // A damaged file can have millions of bad lines: the first ones are shown, all are counted.
      onWarning: (warning) => warned++ < SHOWN_WARNINGS && process.stderr.write(`proclab: ${warning.message}\n`),
    })
    await partial?.commit()
  } catch (error) {
    await partial?.discard()
    throw explainWriteError(error, partial)
  }
  if (result.skippedLines > SHOWN_WARNINGS) process.stderr.write(`proclab: ${result.skippedLines} damaged lines in all were skipped\n`)
  if (values.output) process.stderr.write(`wrote ${values.output}: ${result.written} ${format} records from ${result.eventsRead} events of ${file} in ${result.durationMs.toFixed(0)} ms\n`)
  return 0
}

/** Node's "ENOSPC: ..., write" names neither file: say which one could not be written. */
function explainWriteError(error: unknown, partial: PartialFile | null): unknown {
  const syscall = (error as NodeJS.ErrnoException).syscall
  if (partial && (syscall === 'write' || syscall === 'rename')) return new Error(`cannot write ${partial.target}: ${describeFsError(error)}`)
  return error
}

function microseconds(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined
  const seconds = Number(value)
  if (!Number.isFinite(seconds) || seconds < 0) throw new UsageError(`${option} takes seconds since the session started, got '${value}'`)
  return Math.round(seconds * 1e6)
}
