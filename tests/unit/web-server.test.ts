// The web transport against a real server on a real socket: static files, the handshake guards,
// the request/response protocol, event frames and backpressure.
import { mkdtemp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { get, type IncomingHttpHeaders } from 'node:http'
import { connect } from 'node:net'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { EventFrame, ServerMessage } from '../../src-shared/contract'
import type { LabEvent } from '../../src-shared/events'
import { createHost } from '../../src-main/host'
import type { Host } from '../../src-main/host/types'
import { startWebServer, type WebServer } from '../../src-main/web/server'
import { CLOSE_TOO_SLOW } from '../../src-main/web/clients'
import { Client, closed, openSocket as openSocketTo, type Handshake, type SocketOptions } from '../helpers/web'

const CSP = "default-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'"

let sandbox: string
let rendererDir: string

beforeAll(async () => {
  // A renderer directory with a secret beside it, so a traversal bug would find a real file.
  sandbox = await mkdtemp(join(tmpdir(), 'proclab-web-'))
  rendererDir = join(sandbox, 'renderer')
  await mkdir(join(rendererDir, 'assets'), { recursive: true })
  await writeFile(join(sandbox, 'secret.txt'), 'TOP SECRET')
  await writeFile(
    join(rendererDir, 'index.html'),
    `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="${CSP}"><title>ProcLab</title></head><body></body></html>`,
  )
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log(1)\n')
  await writeFile(join(rendererDir, 'assets', 'app.css'), 'body{}\n')
  await writeFile(join(rendererDir, 'assets', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')
  await symlink(join(sandbox, 'secret.txt'), join(rendererDir, 'assets', 'escape.txt'))
})

afterAll(async () => {
  await rm(sandbox, { recursive: true, force: true })
})

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

async function serve(host?: Host, limits?: Parameters<typeof startWebServer>[1]['limits']): Promise<{ server: WebServer; host: Host }> {
  const realHost = host ?? (await createHost())
  if (!host) cleanups.push(() => realHost.dispose())
  const server = await startWebServer(realHost, { port: 0, rendererDir, limits })
  cleanups.push(() => server.close())
  return { server, host: realHost }
}

interface HttpResult {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

/** node:http sends the path exactly as given, unlike fetch, which would normalise `..` away. */
function httpGet(port: number, path: string, headers: Record<string, string> = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
  })
}

/** Sends bytes that no HTTP client library would let through. */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text))
    let data = ''
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => (data += chunk))
    socket.on('end', () => resolve(data))
    socket.on('close', () => resolve(data))
    socket.on('error', reject)
  })
}

function openSocket(server: WebServer, opts: SocketOptions = {}): Promise<Handshake> {
  return openSocketTo(server, opts, (ws) => cleanups.push(async () => ws.terminate()))
}

async function connected(server: WebServer): Promise<Client> {
  const result = await openSocket(server)
  if (!result.ok) throw new Error(`handshake refused with ${result.status}`)
  return new Client(result.ws)
}

describe('listening', () => {
  it('binds 127.0.0.1 only and returns a tokenised URL', async () => {
    const { server } = await serve()
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`)
    expect(server.token).toMatch(/^[0-9a-f]{64}$/)
    expect(server.port).toBeGreaterThan(0)

    // Every other address of this machine must refuse the connection.
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal)
      .map((a) => a!.address)
    for (const address of [...others, '::1']) {
      const refused = await new Promise<boolean>((resolve) => {
        const socket = connect(server.port, address)
        socket.once('connect', () => {
          socket.destroy()
          resolve(false)
        })
        socket.once('error', () => resolve(true))
      })
      expect(refused, `reachable on ${address}`).toBe(true)
    }

    if (process.platform === 'linux') {
      // The kernel's own view: one listening socket on this port, with local address 127.0.0.1.
      const hexPort = server.port.toString(16).toUpperCase().padStart(4, '0')
      const table = [await readFile('/proc/net/tcp', 'utf8'), await readFile('/proc/net/tcp6', 'utf8').catch(() => '')].join('\n')
      const listening = table
        .split('\n')
        .map((line) => line.trim().split(/\s+/))
        .filter((cols) => cols[1]?.endsWith(`:${hexPort}`) && cols[3] === '0A')
        .map((cols) => cols[1])
      expect(listening).toEqual([`0100007F:${hexPort}`])
    }
  })

  it('each server gets its own token, and close() frees the port', async () => {
    const host = await createHost()
    cleanups.push(() => host.dispose())
    const a = await startWebServer(host, { port: 0, rendererDir })
    const b = await startWebServer(host, { port: 0, rendererDir })
    expect(a.token).not.toBe(b.token)
    await b.close()
    await a.close()
    const again = await startWebServer(host, { port: a.port, rendererDir })
    expect(again.port).toBe(a.port)
    await again.close()
  })

  it('refuses a bad port and a missing renderer with clear errors', async () => {
    const host = await createHost()
    cleanups.push(() => host.dispose())
    await expect(startWebServer(host, { port: 70000, rendererDir })).rejects.toThrow(/Port must be/)
    await expect(startWebServer(host, { port: 0, rendererDir: join(sandbox, 'assets-nowhere') })).rejects.toThrow()
    const { server } = await serve(host)
    await expect(startWebServer(host, { port: server.port, rendererDir })).rejects.toThrow(/already in use/)
  })
})

describe('static files', () => {
  it('serves index.html for / with security headers', async () => {
    const { server } = await serve()
    const res = await httpGet(server.port, '/')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(res.body).toContain('<title>ProcLab</title>')
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['referrer-policy']).toBe('no-referrer')
    const csp = String(res.headers['content-security-policy'])
    // The renderer's own policy, plus what only a header can say.
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("object-src 'none'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toContain(`ws://127.0.0.1:${server.port}`)
  })

  it('serves assets with their content types', async () => {
    const { server } = await serve()
    const js = await httpGet(server.port, '/assets/app.js?v=1')
    expect(js.status).toBe(200)
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(js.body).toBe('console.log(1)\n')
    expect((await httpGet(server.port, '/assets/app.css')).headers['content-type']).toBe('text/css; charset=utf-8')
    expect((await httpGet(server.port, '/assets/logo.svg')).headers['content-type']).toBe('image/svg+xml')
    expect((await httpGet(server.port, '/assets/missing.js')).status).toBe(404)
    expect((await httpGet(server.port, '/assets')).status).toBe(404)
  })

  it('never serves a file outside the renderer directory', async () => {
    const { server } = await serve()
    for (const path of [
      '/../package.json',
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..%5csecret.txt',
      '/%00',
      '/%E0%A4%A',
      '/assets/escape.txt', // a symlink pointing out of the directory
    ]) {
      const res = await httpGet(server.port, path)
      expect(res.status, path).toBe(404)
      expect(res.body, path).not.toContain('TOP SECRET')
    }
    const raw = await rawRequest(server.port, `GET ../secret.txt HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`)
    expect(raw).not.toContain('TOP SECRET')
  })

  it('refuses a foreign Host header (DNS rebinding) and non-GET methods', async () => {
    const { server } = await serve()
    expect((await httpGet(server.port, '/', { Host: `evil.example:${server.port}` })).status).toBe(403)
    expect((await httpGet(server.port, '/', { Host: `localhost:${server.port}` })).status).toBe(200)
    const post = await rawRequest(server.port, `POST / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`)
    expect(post).toMatch(/^HTTP\/1\.1 405/)
  })
})

describe('WebSocket handshake', () => {
  it('refuses a missing, wrong or duplicated token with 401', async () => {
    const { server } = await serve()
    expect(await openSocket(server, { token: null })).toEqual({ ok: false, status: 401 })
    expect(await openSocket(server, { token: 'f'.repeat(64) })).toEqual({ ok: false, status: 401 })
    expect(await openSocket(server, { token: server.token.slice(0, 63) })).toEqual({ ok: false, status: 401 })
    expect(await openSocket(server, { token: '' })).toEqual({ ok: false, status: 401 })
    const twice = await openSocket(server, { token: null, path: `/ws?token=${server.token}&token=${server.token}` })
    expect(twice).toEqual({ ok: false, status: 401 })
  })

  it('refuses a wrong or missing Origin with 403, even with the right token', async () => {
    const { server } = await serve()
    expect(await openSocket(server, { origin: 'http://evil.example' })).toEqual({ ok: false, status: 403 })
    expect(await openSocket(server, { origin: `http://127.0.0.1:${server.port + 1}` })).toEqual({ ok: false, status: 403 })
    expect(await openSocket(server, { origin: `https://127.0.0.1:${server.port}` })).toEqual({ ok: false, status: 403 })
    expect(await openSocket(server, { origin: 'null' })).toEqual({ ok: false, status: 403 })
    expect(await openSocket(server, { origin: null })).toEqual({ ok: false, status: 403 })
  })

  it('refuses a foreign Host header and other paths', async () => {
    const { server } = await serve()
    expect(await openSocket(server, { host: `rebind.example:${server.port}` })).toEqual({ ok: false, status: 403 })
    expect(await openSocket(server, { path: '/socket' })).toEqual({ ok: false, status: 404 })
  })

  it('accepts the token from either loopback origin', async () => {
    const { server } = await serve()
    const a = await openSocket(server)
    const b = await openSocket(server, { origin: `http://localhost:${server.port}`, host: `localhost:${server.port}` })
    expect(a.ok && b.ok).toBe(true)
  })
})

describe('protocol', () => {
  it('answers hello through the host', async () => {
    const { server, host } = await serve()
    const client = await connected(server)
    const res = await client.request(1, 'hello', {})
    expect(res).toMatchObject({ id: 1, ok: true })
    expect(res.ok && res.value).toEqual(host.info)
    expect(client.messages[0]).toMatchObject({ type: 'response', id: 1 })
  })

  it('answers malformed JSON with bad-request and keeps the connection', async () => {
    const { server } = await serve()
    const client = await connected(server)
    client.sendRaw('{"id": 7, "cmd": "hello"')
    const bad = await client.response(7)
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request' } })
    expect(!bad.ok && bad.error.message).toMatch(/JSON/)
    client.sendRaw('not json at all')
    const anonymous = await client.response(-1)
    expect(anonymous).toMatchObject({ ok: false, error: { code: 'bad-request' } })
    client.sendRaw(Buffer.from([1, 2, 3]), true)
    await client.until((m): m is ServerMessage => m.type === 'response' && m.id === -1 && client.messages.filter((x) => x.type === 'response' && x.id === -1).length === 2)
    expect(await client.request(8, 'hello', {})).toMatchObject({ id: 8, ok: true })
  })

  it('lets the host reject unknown commands and bad arguments', async () => {
    const { server } = await serve()
    const client = await connected(server)
    expect(await client.request(1, 'rm -rf', {})).toMatchObject({ id: 1, ok: false, error: { code: 'bad-request' } })
    expect(await client.request(2, 'process.signal', { pid: -5, signal: 'SIGKILL' })).toMatchObject({ ok: false, error: { code: 'bad-request' } })
    client.sendRaw(JSON.stringify([1, 2, 3]))
    expect(await client.response(-1)).toMatchObject({ ok: false, error: { code: 'bad-request' } })
    expect(await client.request(3, 'hello')).toMatchObject({ ok: true })
  })

  it('answers an oversized message with bad-request; only a huge one closes that client', async () => {
    const { server } = await serve()
    const client = await connected(server)
    const bystander = await connected(server)
    const big = JSON.stringify({ id: 42, cmd: 'hello', args: { pad: 'x'.repeat(1024 * 1024) } })
    client.sendRaw(big)
    const tooBig = await client.response(42)
    expect(tooBig).toMatchObject({ ok: false, error: { code: 'bad-request' } })
    expect(!tooBig.ok && tooBig.error.message).toMatch(/too large/)
    expect(await client.request(43, 'hello')).toMatchObject({ ok: true })

    // Far past the limit ws stops reading: that one connection ends with 1009 (message too big).
    const end = closed(client.ws)
    client.sendRaw('x'.repeat(9 * 1024 * 1024))
    expect((await end).code).toBe(1009)
    expect(await bystander.request(1, 'hello')).toMatchObject({ ok: true })
  })
})

/** A host whose frames the test controls; commands go to a real host. */
function hostWithManualFrames(real: Host): { host: Host; emit(frame: EventFrame): void } {
  const listeners = new Set<(frame: EventFrame) => void>()
  const host: Host = {
    info: real.info,
    handle: (raw) => real.handle(raw),
    call: (cmd, args) => real.call(cmd, args),
    onEvent: (listener) => real.onEvent(listener),
    onFrame(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    dispose: () => real.dispose(),
  }
  return { host, emit: (frame) => listeners.forEach((l) => l(frame)) }
}

function fakeEvents(n: number, line: string): LabEvent[] {
  return Array.from({ length: n }, (_, i) => ({ seq: i, t: i, runId: 'r1', kind: 'stdout' as const, lid: 'p1', pid: 1234, line }))
}

describe('event frames', () => {
  it('pushes every frame to every client, and stops after close()', async () => {
    const real = await createHost()
    cleanups.push(() => real.dispose())
    const { host, emit } = hostWithManualFrames(real)
    const { server } = await serve(host)
    const a = await connected(server)
    const b = await connected(server)
    emit({ type: 'events', events: fakeEvents(3, 'hello') })
    for (const client of [a, b]) {
      const frame = await client.until((m): m is EventFrame => m.type === 'events')
      expect(frame.events.map((e) => e.seq)).toEqual([0, 1, 2])
    }
    const ended = closed(a.ws)
    await server.close()
    expect(await ended).toEqual({ code: 1001, reason: 'ProcLab server shutting down' })
    emit({ type: 'events', events: fakeEvents(1, 'after') }) // must not throw with no listeners left
  })

  it('drops a client that stops reading instead of buffering without bound', async () => {
    const real = await createHost()
    cleanups.push(() => real.dispose())
    const { host, emit } = hostWithManualFrames(real)
    // The client reads again only after the last frame: on a loaded machine (under Wine) that took
    // over the 5 s the server gives a dropped client to read up to its close frame.
    const { server } = await serve(host, { maxBufferedBytes: 1024 * 1024, maxStallMs: 60_000, dropGraceMs: 60_000 })
    const stalled = await connected(server)
    const healthy = await connected(server)
    stalled.ws.pause() // stops reading its socket: the server's send buffer has to grow
    const ended = closed(stalled.ws)
    // ~25 MB in all: well past what the kernel's loopback buffers absorb, so the rest queues in
    // the server unless it drops the client. Between frames the loop turns, so the healthy
    // client can keep up, as a browser reading its socket does.
    const payload = 'y'.repeat(16 * 1024)
    for (let i = 0; i < 400; i++) {
      emit({ type: 'events', events: fakeEvents(4, payload) })
      await new Promise((r) => setImmediate(r))
    }
    stalled.ws.resume()
    const { code, reason } = await ended
    expect(code).toBe(CLOSE_TOO_SLOW)
    expect(reason).toMatch(/too slow, over 1048576 bytes unsent/)
    expect(await healthy.request(5, 'hello')).toMatchObject({ ok: true })
    expect(healthy.messages.filter((m) => m.type === 'events')).toHaveLength(400)
  }, 20_000)

  it('drops a client whose buffer stays full, before it reaches the hard bound', async () => {
    const real = await createHost()
    cleanups.push(() => real.dispose())
    const { host, emit } = hostWithManualFrames(real)
    const { server } = await serve(host, { maxBufferedBytes: 64 * 1024 * 1024, maxStallMs: 300 })
    const stalled = await connected(server)
    stalled.ws.pause()
    const ended = closed(stalled.ws)
    const payload = 'z'.repeat(128 * 1024)
    // 40 MB: less what the kernel's socket buffers absorb (a few MB), still above a quarter of
    // the bound (16 MiB) and below the bound itself. Then a trickle, as a quiet run would send.
    for (let i = 0; i < 320; i++) emit({ type: 'events', events: fakeEvents(1, payload) })
    const started = Date.now()
    while (Date.now() - started < 700) {
      emit({ type: 'events', events: fakeEvents(1, 'tick') })
      await new Promise((r) => setTimeout(r, 20))
    }
    stalled.ws.resume()
    // The close frame waits behind the ~40 MB the client never read; on a loaded machine the
    // server's cut-off (5 s later) can come first, and then the client sees 1006 instead. Either
    // way the slow client was dropped; when the frame does arrive, it must say why.
    const close = await ended
    expect([CLOSE_TOO_SLOW, 1006]).toContain(close.code)
    if (close.code === CLOSE_TOO_SLOW) expect(close.reason).toMatch(/not reading for 300 ms/)
  }, 20_000)
})

describe('with a lab run', () => {
  it('streams the events of a real scenario run to the browser client', async () => {
    const { server } = await serve()
    const client = await connected(server)
    const list = await client.request(1, 'scenarios.list', {})
    expect(list.ok).toBe(true)
    const ids = list.ok ? (list.value as Array<{ id: string }>).map((s) => s.id) : []
    expect(ids).toContain('join')
    expect(await client.request(2, 'run.start', { scenario: 'join' })).toMatchObject({ ok: true })
    await client.until(
      (m): m is EventFrame => m.type === 'events' && m.events.some((e) => e.kind === 'run.end'),
      30_000,
    )
    const events = client.messages.flatMap((m) => (m.type === 'events' ? m.events : []))
    const end = events.find((e) => e.kind === 'run.end')
    expect(end, JSON.stringify(events).slice(0, 2000)).toMatchObject({ ok: true })
    const starts = events.filter((e) => e.kind === 'process.start')
    const exits = events.filter((e) => e.kind === 'process.exit')
    expect(starts).toHaveLength(4) // the lab main and its three children
    expect(exits.map((e) => (e.kind === 'process.exit' ? e.exitCode : 'n/a'))).toEqual([0, 0, 0, 0])
    // Frames arrive in order and without gaps.
    const seqs = events.map((e) => e.seq)
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y))
  }, 60_000)
})
