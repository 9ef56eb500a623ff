// Serves the built renderer, and nothing outside it: every path is decoded, resolved and then
// checked (after symlinks) to lie inside the renderer directory.
import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, isAbsolute, relative, resolve } from 'node:path'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
}

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream'
}

export interface StaticRoot {
  /** The renderer directory with symlinks resolved. */
  dir: string
}

export async function openStaticRoot(rendererDir: string): Promise<StaticRoot> {
  const dir = await realpath(resolve(rendererDir))
  if (!(await stat(dir)).isDirectory()) throw new Error(`Renderer directory is not a directory: ${rendererDir}`)
  return { dir }
}

function inside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate)
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)
}

/** Maps a request path to a file inside the root, or null for anything that is not one. */
export async function resolveStaticFile(root: StaticRoot, urlPath: string): Promise<string | null> {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return null
  }
  // Backslashes are separators on Windows; NUL truncates paths in some APIs.
  if (decoded.includes('\0') || decoded.includes('\\')) return null
  const wanted = decoded === '/' || decoded === '' ? '/index.html' : decoded
  const candidate = resolve(root.dir, '.' + wanted)
  if (!inside(root.dir, candidate)) return null
  try {
    const real = await realpath(candidate)
    if (!inside(root.dir, real)) return null
    const info = await stat(real)
    return info.isFile() ? real : null
  } catch {
    return null
  }
}

/** The raw path of a request target, without query or fragment; no normalisation, that is resolve's job. */
export function requestPath(target: string | undefined): string {
  const raw = target ?? '/'
  const end = raw.search(/[?#]/)
  const path = end === -1 ? raw : raw.slice(0, end)
  return path.startsWith('/') ? path : '/\0' // not origin-form: never matches a file
}

export async function serveStatic(
  root: StaticRoot,
  req: IncomingMessage,
  res: ServerResponse,
  headers: Record<string, string>,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...headers, Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' })
    res.end('Method not allowed\n')
    return
  }
  const file = await resolveStaticFile(root, requestPath(req.url))
  if (!file) {
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' })
    res.end('Not found\n')
    return
  }
  const info = await stat(file)
  res.writeHead(200, {
    ...headers,
    'Content-Type': contentTypeFor(file),
    'Content-Length': String(info.size),
    // The bundle changes on every build; a stale index.html pointing at missing chunks is worse
    // than a revalidation on loopback.
    'Cache-Control': 'no-cache',
  })
  if (req.method === 'HEAD') {
    res.end()
    return
  }
  const stream = createReadStream(file)
  stream.on('error', () => res.destroy())
  stream.pipe(res)
}
