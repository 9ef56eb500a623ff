// `proclab serve`: the built renderer over HTTP and the host's contract over a WebSocket, on
// loopback only. The second of the two thin transports over the host (the first is Electron IPC).
import { readFile } from 'node:fs/promises'
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import { join } from 'node:path'
import { WebSocketServer } from 'ws'
import type { Host } from '../host/types'
import { ClientSet, type ClientLimits } from './clients'
import { EXPORT_PREFIX, serveExport } from './downloads'
import { MiB } from './protocol'
import { contentSecurityPolicy, cspFromHtml, hostAllowed, LOOPBACK, newToken, originAllowed, securityHeaders, tokenMatches } from './security'
import { openStaticRoot, requestPath, serveStatic } from './static'

export const WS_PATH = '/ws'

export interface WebServerOptions {
  /** 0 picks a free port. */
  port: number
  /** The built renderer (out/renderer). */
  rendererDir: string
  limits?: Partial<ClientLimits>
  /** Where the host writes sessions.export files; GET /export/<name>?token=… serves them. */
  exportsDir?: string
}

export interface WebServer {
  /** Open this in a browser: it carries the token the UI needs to connect. */
  url: string
  port: number
  token: string
  close(): Promise<void>
}

export const DEFAULT_LIMITS: ClientLimits = {
  maxMessageBytes: 1 * MiB,
  // A flood of 100,000 events a second is ~12 MB/s of frames; a tab that falls behind for a few
  // seconds must catch up, not be cut off (its counts would then come from a capped snapshot).
  maxBufferedBytes: 128 * MiB,
  maxStallMs: 30_000,
  // A UI is a browser tab or two; the bound keeps worst-case memory at maxClients × maxBufferedBytes.
  maxClients: 16,
  // A UI has a handful of requests out at a time (a table poll, the header, a details pane); more
  // at work only lets one connection's synchronous work pile up between two of another's.
  workPerClient: 4,
  // A join per lab process the user asked to join; they only hold a promise each.
  waitsPerClient: 256,
  // Past these a flood is answered 'busy' without work: the bound on one connection's backlog.
  queuedPerClient: 64,
  queuedBytesPerClient: 4 * MiB,
  shedBeforePause: 256,
  // Room for one whole table of 10,000 processes (~2 MB) and then some.
  outputBacklogBytes: 4 * MiB,
  dropGraceMs: 5000,
}

/** Above the soft limit a message is answered with an error; above this ws closes that one connection. */
const HARD_PAYLOAD_FACTOR = 8

export async function startWebServer(host: Host, options: WebServerOptions): Promise<WebServer> {
  const { port: requestedPort, rendererDir } = options
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
    throw new RangeError(`Port must be an integer from 0 to 65535, got ${String(requestedPort)}`)
  }
  const limits: ClientLimits = { ...DEFAULT_LIMITS, ...options.limits }
  const root = await openStaticRoot(rendererDir)
  const indexHtml = await readFile(join(root.dir, 'index.html'), 'utf8').catch(() => {
    throw new Error(`The renderer is not built: ${join(root.dir, 'index.html')} is missing (run \`npm run build\`)`)
  })
  const token = newToken()

  const server = createServer()
  const port = await listen(server, requestedPort)
  const headers = securityHeaders(contentSecurityPolicy(cspFromHtml(indexHtml), port))

  const clients = new ClientSet(host, limits)
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxMessageBytes * HARD_PAYLOAD_FACTOR,
    // Compression buys nothing on loopback and lets a small frame inflate into a large one.
    perMessageDeflate: false,
    clientTracking: false,
  })

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!hostAllowed(req.headers, port)) return plain(res, 403, 'Forbidden: unexpected Host header\n', headers)
    const path = requestPath(req.url)
    if (path === WS_PATH) return plain(res, 426, 'This endpoint only speaks WebSocket\n', { ...headers, Upgrade: 'websocket' })
    if (path.startsWith(EXPORT_PREFIX)) {
      serveExport(req, res, path, options.exportsDir, token, headers, (status, body) => plain(res, status, body, headers)).catch(() => {
        if (!res.headersSent) plain(res, 500, 'Internal error\n', headers)
        else res.destroy()
      })
      return
    }
    serveStatic(root, req, res, headers).catch(() => {
      if (!res.headersSent) plain(res, 500, 'Internal error\n', headers)
      else res.destroy()
    })
  })

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy())
    const target = req.url ?? '/'
    if (requestPath(target) !== WS_PATH) return refuse(socket, 404, 'No WebSocket endpoint here')
    if (!hostAllowed(req.headers, port)) return refuse(socket, 403, 'Unexpected Host header')
    if (!originAllowed(req.headers, port)) return refuse(socket, 403, 'Origin not allowed')
    const query = new URLSearchParams(target.includes('?') ? target.slice(target.indexOf('?') + 1) : '')
    const given = query.getAll('token')
    if (given.length !== 1 || !tokenMatches(given[0], token)) return refuse(socket, 401, 'Missing or wrong token')
    if (clients.full) return refuse(socket, 503, 'Too many connections')
    wss.handleUpgrade(req, socket, head, (ws) => clients.add(ws))
  })

  let closing: Promise<void> | null = null
  return {
    url: `http://${LOOPBACK}:${port}/?token=${token}`,
    port,
    token,
    close() {
      closing ??= (async () => {
        await clients.closeAll()
        wss.close()
        await new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeAllConnections()
        })
      })()
      return closing
    },
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new Error(`Port ${port} on ${LOOPBACK} is already in use; pick another with --port`) : error)
    }
    server.once('error', onError)
    // Loopback only: ProcLab can kill processes, so it must never be reachable from the network.
    server.listen({ host: LOOPBACK, port, exclusive: true }, () => {
      server.off('error', onError)
      const address = server.address()
      if (address === null || typeof address === 'string') return reject(new Error('The server has no TCP address'))
      resolve(address.port)
    })
  })
}

function plain(res: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) })
  res.end(body)
}

function refuse(socket: Duplex, status: number, message: string): void {
  if (!socket.writable) return void socket.destroy()
  const body = `${message}\n`
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n` +
      body,
  )
}
