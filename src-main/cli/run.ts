// `proclab run`: one lab run in this terminal, its output as it comes and a summary at the end.
import { parseArgs } from 'node:util'
import type { LabEvent } from '../../src-shared/events'
import { isLabLanguage, languageOfLocale, LAB_LANGUAGES, type LabLanguage } from '../../src-shared/language'
import { createHost, endLabWithHost } from '../host'
import { findScenario } from '../scenarios/catalog'
import { RunPrinter } from './run-printer'
import { LOG_OPTIONS, positiveInt, sessionLogOption, UsageError } from './usage'

export async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'max-processes': { type: 'string' }, lang: { type: 'string' }, quiet: { type: 'boolean', short: 'q' }, ...LOG_OPTIONS },
    strict: true,
  })
  const [target] = positionals
  if (!target || positionals.length > 1) throw new UsageError('run takes one script path or scenario id')
  const lang = runLanguage(values.lang)
  const host = await createHost({ maxProcesses: positiveInt(values['max-processes'], '--max-processes'), sessionLog: sessionLogOption(values) })
  endLabWithHost(host)
  const printer = new RunPrinter(process.stdout, process.stderr, { quiet: values.quiet ?? false })
  const ended = new Promise<Extract<LabEvent, { kind: 'run.end' }>>((resolve) => {
    host.onEvent((event) => {
      printer.print(event)
      if (event.kind === 'run.end') resolve(event)
    })
  })
  const isScenario = findScenario(target) !== undefined && !/[\\/.]/.test(target)
  try {
    await host.call('run.start', isScenario ? { scenario: target, lang } : { script: target, lang })
  } catch (error) {
    await host.dispose()
    process.stderr.write(`proclab: ${error instanceof Error ? error.message : String(error)}\n`)
    return 1
  }
  const end = await ended
  printer.summary(end)
  await host.dispose()
  const incomplete = host.info.recordingError ? ' (incomplete: recording stopped, see above)' : ''
  if (host.info.sessionFile && !values.quiet) process.stdout.write(`session log: ${host.info.sessionFile}${incomplete}\n`)
  // The run's verdict only: a log that could not be written was reported when it happened.
  return end.ok ? 0 : 1
}

/**
 * --lang if given (a language ProcLab knows; anything else is English, said once on stderr), else
 * the terminal's locale as POSIX orders it: LC_ALL, then LC_MESSAGES, then LANG.
 */
function runLanguage(option: string | undefined): LabLanguage {
  if (option === undefined) {
    const env = process.env
    return languageOfLocale(env.LC_ALL || env.LC_MESSAGES || env.LANG)
  }
  if (isLabLanguage(option)) return option
  process.stderr.write(`proclab: --lang ${option} is not a language ProcLab prints in (${LAB_LANGUAGES.join(', ')}); printing in English\n`)
  return 'en'
}
