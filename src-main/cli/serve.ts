// `proclab serve`: the same UI as the desktop app, in a browser, on 127.0.0.1 only.
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createHost, endLabWithHost } from '../host'
import { packageRoot } from '../package-root'
import { startWebServer } from '../web/server'
import { LOG_OPTIONS, positiveInt, sessionLogOption } from './usage'

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { port: { type: 'string' }, 'max-processes': { type: 'string' }, ...LOG_OPTIONS }, strict: true })
  const host = await createHost({ maxProcesses: positiveInt(values['max-processes'], '--max-processes'), sessionLog: sessionLogOption(values) })
  endLabWithHost(host)
  const server = await startWebServer(host, { port: positiveInt(values.port, '--port') ?? 4173, rendererDir: join(packageRoot(), 'out', 'renderer'), exportsDir: host.exportsDir })
  process.stdout.write(`ProcLab UI: ${server.url}\n(only this machine can connect; the token in the URL is the key. Ctrl-C stops the server and every lab process.)\n${host.info.sessionFile ? `session log: ${host.info.sessionFile}\n` : ''}`)
  await new Promise<never>(() => undefined)
  return 0
}
