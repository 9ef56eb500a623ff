// `proclab sessions`: the recorded sessions in the user's data folder, newest first.
import { parseArgs } from 'node:util'
import { platform } from '../platform'
import { adoptFormerFolders, listSessions } from '../session'

export async function sessionsCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, dir: { type: 'string' } }, strict: true })
  if (values.dir === undefined) {
    const { notes } = await adoptFormerFolders(platform.formerDataFolders(), platform.dataFolders())
    for (const note of notes) process.stderr.write(`proclab: an earlier version's session folder: ${note}\n`)
  }
  const dir = values.dir ?? platform.dataFolders().sessions
  const sessions = await listSessions(dir)
  if (values.json) {
    process.stdout.write(`${JSON.stringify(sessions)}\n`)
    return 0
  }
  if (sessions.length === 0) {
    process.stdout.write(`no sessions recorded in ${dir}\n`)
    return 0
  }
  for (const session of sessions) {
    const started = session.header ? new Date(session.header.startedAtWall).toISOString() : '?'
    const size = `${(session.size / 1024).toFixed(0)} KiB`.padStart(9)
    process.stdout.write(`${started}  ${size}  ${session.file}${session.error ? `  (${session.error})` : ''}\n`)
  }
  return 0
}
