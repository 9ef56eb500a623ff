// The help texts: the overview (`proclab --help`) and one page per command (`proclab run --help`,
// `proclab help run`). A usage error prints the page of the command it was made on.

export const COMMAND_NAMES = ['run', 'scenarios', 'serve', 'sessions', 'export', 'ps', 'bench'] as const
export type CommandName = (typeof COMMAND_NAMES)[number]

export function isCommandName(name: string): name is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(name)
}

const SESSION_LOG_OPTIONS = `  --log FILE            record the session to FILE instead of the sessions folder
  --no-log              record nothing`

const HELP_OPTION = '  -h, --help            this help'

export const COMMAND_HELP: Record<CommandName, string> = {
  run: `Usage: proclab run <script | scenario-id> [options]

Runs a lab script (.mjs, .js or .ts; ProcLab calls its \`export default async function main()\`)
or a built-in scenario (\`proclab scenarios\` lists them) headless, in this terminal. Each process's
output is prefixed with its name; a table of exit codes and times ends the run.
Exit code: 0 if the run succeeded, 1 if it failed, 2 for a mistake in the command.

Options:
  --max-processes N     at most N lab processes alive at once (default 256)
  --lang en|zh          the language the scenario prints in (a script reads it as \`lang\` of
                        'proclab'); default from LC_ALL, LC_MESSAGES or LANG: zh for a Chinese
                        locale, else en
${SESSION_LOG_OPTIONS}
  -q, --quiet           the lab's output and the verdict only
${HELP_OPTION}

Examples:
  proclab run join
  proclab run join --lang zh
  proclab run ./my-lab.mjs --no-log
`,
  scenarios: `Usage: proclab scenarios [--json]

Lists the built-in scenarios: their ids (for \`proclab run <id>\`), titles and lessons.

Options:
  --json                as JSON
${HELP_OPTION}
`,
  serve: `Usage: proclab serve [options]

Serves the same UI as the desktop app on 127.0.0.1 only; open the printed URL (its token is the key).
Ctrl-C stops the server and every lab process.

Options:
  --port N              the port (default 4173; 0 picks a free one)
  --max-processes N     at most N lab processes alive at once (default 256)
${SESSION_LOG_OPTIONS}
${HELP_OPTION}
`,
  sessions: `Usage: proclab sessions [--json] [--dir DIR]

The recorded sessions, numbered, newest first: when each started, what it ran (scenario or script)
and how that ended, and its size. The number is what \`proclab export N\` takes.

Options:
  --json                as JSON (every field, with the same numbers)
  --dir DIR             the sessions in DIR instead of ProcLab's sessions folder
${HELP_OPTION}
`,
  export: `Usage: proclab export <session> [options]

Writes a recorded session as NDJSON, CSV (one row per event) or a Chrome trace (opens in Perfetto),
to standard output or to a file.
<session> is one of:
  latest                the newest session
  N                     the session numbered N by \`proclab sessions\` (1 is the newest)
  NAME                  a session file's name in the sessions folder, with or without .ndjson
  PATH                  a session file anywhere (./1 for a file named 1 here)

Options:
  -f, --format FORMAT   ndjson (default), csv or chrome-trace
  -o, --output FILE     write FILE (complete, or not at all) instead of standard output
  --kind KIND           only events of this kind (repeat for more), e.g. --kind stdout
  --from S, --to S      only events from/to S seconds after the session started
  --dir DIR             look the session up in DIR instead of ProcLab's sessions folder
${HELP_OPTION}

Examples:
  proclab export latest -f csv -o run.csv
  proclab export 2 -f chrome-trace -o run.trace.json
`,
  ps: `Usage: proclab ps [options]

One snapshot of the machine's processes.

Options:
  --tree                as a tree, children under their parent
  --json                as JSON
  --sort cpu|mem|pid    the order (default pid)
  --filter TEXT         only rows whose name, command, user or pid holds TEXT
${HELP_OPTION}
`,
  bench: `Usage: proclab bench [options]

ProcLab side by side with Python's multiprocessing (and a bare Node fork, ps, systeminformation)
on this machine. See docs/bench.md.

Options:
  --quick               smaller workloads, one run each
  --runs N              runs per workload; the best counts
  --only ID,...         these workloads only
  --python PATH         the Python to compare with (default python3, then python)
  --json                the report as JSON
  --save FILE           also save the report as JSON
  --show FILE           print a saved report as the table, measure nothing
${HELP_OPTION}
`,
}

export const OVERVIEW = `proclab — a process monitor and multiprocessing lab

Usage:
  proclab run <script | scenario-id> [--max-processes N] [--lang en|zh] [--log FILE | --no-log] [-q]
                                                           run a lab script or a built-in scenario headless
  proclab scenarios [--json]                               list the built-in scenarios
  proclab serve [--port N] [--max-processes N] [--log FILE | --no-log]
                                                           serve the UI on 127.0.0.1 (open the printed URL)
  proclab sessions [--json] [--dir DIR]                    the recorded sessions, numbered, newest first
  proclab export <latest | N | session> [--format ndjson|csv|chrome-trace] [-o FILE] [--kind K ...] [--from S] [--to S]
                                                           a session as NDJSON, CSV or a trace for Perfetto
  proclab ps [--tree] [--json] [--sort cpu|mem|pid] [--filter TEXT]
                                                           one snapshot of the machine's processes
  proclab bench [--quick] [--json] [--runs N] [--only ID,...] [--save FILE] [--show FILE]
                                                           ProcLab side by side with Python multiprocessing
  proclab --version | --help
  proclab help <command> | proclab <command> --help       one command's options and examples
`

/** Whether the arguments after a command ask for its help (only before a `--`, which ends the options). */
export function asksForHelp(argv: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false
    if (arg === '--help' || arg === '-h') return true
  }
  return false
}
