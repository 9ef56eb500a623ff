// The `proclab` command line.
import { packageVersion } from '../package-root'
import { runCommand } from './run'
import { scenariosCommand } from './scenarios'
import { serveCommand } from './serve'
import { psCommand } from './ps'
import { benchCommand } from './bench'
import { exportCommand } from './export'
import { sessionsCommand } from './sessions'
import { asksForHelp, COMMAND_HELP, isCommandName, OVERVIEW, type CommandName } from './help'
import { UsageError } from './usage'

const COMMANDS: Record<CommandName, (argv: string[]) => Promise<number>> = {
  run: runCommand,
  scenarios: scenariosCommand,
  serve: serveCommand,
  ps: psCommand,
  bench: benchCommand,
  sessions: sessionsCommand,
  export: exportCommand,
}

/** A usage mistake and the help page that goes with it: the command's own, or the overview. */
class CommandUsageError extends Error {
  constructor(
    message: string,
    readonly help: string,
  ) {
    super(message)
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (command === undefined) {
    process.stdout.write(OVERVIEW)
    return 1
  }
  if (command === '--help' || command === '-h') return printHelp(OVERVIEW)
  if (command === 'help') return helpCommand(rest)
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${packageVersion()}\n`)
    return 0
  }
  if (!isCommandName(command)) throw new CommandUsageError(`unknown command '${command}'`, OVERVIEW)
  if (asksForHelp(rest)) return printHelp(COMMAND_HELP[command])
  try {
    return await COMMANDS[command](rest)
  } catch (error) {
    if (isUsageMistake(error)) throw new CommandUsageError(error.message, COMMAND_HELP[command])
    throw error
  }
}

/** `proclab help` (the overview) or `proclab help <command>` (its page). */
function helpCommand(argv: string[]): number {
  const [topic, ...extra] = argv
  if (topic === undefined || topic === '--help' || topic === '-h') return printHelp(OVERVIEW)
  if (extra.length > 0) throw new CommandUsageError('help takes one command name', OVERVIEW)
  if (!isCommandName(topic)) throw new CommandUsageError(`no command '${topic}' to help with`, OVERVIEW)
  return printHelp(COMMAND_HELP[topic])
}

function printHelp(text: string): number {
  process.stdout.write(text)
  return 0
}

/** Ours (UsageError) or parseArgs's (an unknown option, a missing value). */
function isUsageMistake(error: unknown): error is Error {
  return error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    if (error instanceof CommandUsageError) {
      process.stderr.write(`proclab: ${error.message}\n\n${error.help}`)
      process.exitCode = 2
    } else {
      process.stderr.write(`proclab: ${error instanceof Error ? error.message : String(error)}\n`)
      process.exitCode = 1
    }
  },
)
