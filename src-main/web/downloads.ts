// GET /export/<name>?token=…: the exports the UI made (sessions.export), as downloads. The token is
// required as on the WebSocket (any page the user visits can reach loopback, none can read the
// token), and only names of the exporter's own shape are served, from the exports folder only.
import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { dirname, join } from 'node:path'
import { EXPORT_NAME_PATTERN } from '../session/export-file'
import { tokenMatches } from './security'

export const EXPORT_PREFIX = '/export/'

const TYPES: Array<[string, string]> = [
  ['.trace.json', 'application/json; charset=utf-8'],
  ['.csv', 'text/csv; charset=utf-8'],
  ['.ndjson', 'application/x-ndjson; charset=utf-8'],
]

type Reply = (status: number, body: string) => void

export async function serveExport(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  exportsDir: string | undefined,
  token: string,
  headers: Record<string, string>,
  reply: Reply,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, 'Method not allowed\n')
  const target = req.url ?? ''
  const query = new URLSearchParams(target.includes('?') ? target.slice(target.indexOf('?') + 1) : '')
  const given = query.getAll('token')
  if (given.length !== 1 || !tokenMatches(given[0], token)) return reply(401, 'Missing or wrong token\n')
  let name: string
  try {
    name = decodeURIComponent(path.slice(EXPORT_PREFIX.length))
  } catch {
    return reply(404, 'Not found\n')
  }
  if (!exportsDir || !EXPORT_NAME_PATTERN.test(name)) return reply(404, 'Not found\n')
  const file = await existingFileIn(exportsDir, name)
  if (!file) return reply(404, `No export named ${name} (exports are kept in ${exportsDir})\n`)
  res.writeHead(200, {
    ...headers,
    'Content-Type': TYPES.find(([ext]) => name.endsWith(ext))?.[1] ?? 'application/octet-stream',
    'Content-Length': String(file.size),
    'Content-Disposition': `attachment; filename="${name}"`,
    'Cache-Control': 'no-store',
  })
  if (req.method === 'HEAD') return void res.end()
  const stream = createReadStream(file.path)
  stream.on('error', () => res.destroy())
  stream.pipe(res)
}

/** The file, if it is a regular file whose real location is the exports folder itself. */
async function existingFileIn(dir: string, name: string): Promise<{ path: string; size: number } | null> {
  try {
    const real = await realpath(join(dir, name))
    if (dirname(real) !== (await realpath(dir))) return null
    const info = await stat(real)
    return info.isFile() ? { path: real, size: info.size } : null
  } catch {
    return null
  }
}
