// The `proclab` command line.
import { packageVersion } from '../package-root'
import { runCommand } from './run'
import { scenariosCommand } from './scenarios'
import { serveCommand } from './serve'
import { psCommand } from './ps'
import { benchCommand } from './bench'
import { exportCommand } from './export'
import { sessionsCommand } from './sessions'
import { UsageError } from './usage'

const HELP = `proclab — a process monitor and multiprocessing lab

Usage:
  proclab run <script | scenario-id> [--max-processes N] [--log FILE | --no-log] [-q]
                                                           run a lab script or a built-in scenario headless
  proclab scenarios [--json]                               list the built-in scenarios
  proclab serve [--port N] [--max-processes N] [--log FILE | --no-log]
                                                           serve the UI on 127.0.0.1 (open the printed URL)
  proclab sessions [--json] [--dir DIR]                    the recorded sessions, newest first
  proclab export <session-file> [--format ndjson|csv|chrome-trace] [-o FILE] [--kind K ...] [--from S] [--to S]
                                                           a session as NDJSON, CSV or a trace for Perfetto
  proclab ps [--tree] [--json] [--sort cpu|mem|pid] [--filter TEXT]
                                                           one snapshot of the machine's processes
  proclab bench [--quick] [--json] [--runs N] [--only ID,...] [--save FILE] [--show FILE]
                                                           ProcLab side by side with Python multiprocessing
  proclab --version | --help
`

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  run: runCommand,
  scenarios: scenariosCommand,
  serve: serveCommand,
  ps: psCommand,
  bench: benchCommand,
  sessions: sessionsCommand,
  export: exportCommand,
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP)
    return command === undefined ? 1 : 0
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${packageVersion()}\n`)
    return 0
  }
  const run = COMMANDS[command]
  if (!run) throw new UsageError(`unknown command '${command}'`)
  return run(rest)
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`proclab: ${error.message}\n\n${HELP}`)
      process.exitCode = 2
    } else {
      process.stderr.write(`proclab: ${error instanceof Error ? error.message : String(error)}\n`)
      process.exitCode = 1
    }
  },
)

