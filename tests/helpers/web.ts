// WebSocket clients of a real `startWebServer`, for the tests of the web transport.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import type { EventFrame, Response, ServerMessage } from '../../src-shared/contract'
import type { Host } from '../../src-main/host/types'
import type { WebServer } from '../../src-main/web/server'

export type Handshake = { ok: true; ws: WebSocket } | { ok: false; status: number }

export interface SocketOptions {
  token?: string | null
  origin?: string | null
  host?: string
  path?: string
}

/** Opens a WebSocket to the server (with its token and our origin unless told otherwise); `opened` sees each open socket. */
export function openSocket(server: WebServer, opts: SocketOptions = {}, opened: (ws: WebSocket) => void = () => {}): Promise<Handshake> {
  const token = opts.token === undefined ? server.token : opts.token
  const path = opts.path ?? '/ws'
  const query = token === null ? '' : `?token=${encodeURIComponent(token)}`
  const origin = opts.origin === undefined ? `http://127.0.0.1:${server.port}` : opts.origin
  const headers: Record<string, string> = {}
  if (opts.host) headers.Host = opts.host
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}${query}`, { ...(origin === null ? {} : { origin }), headers })
    ws.once('open', () => {
      opened(ws)
      resolve({ ok: true, ws })
    })
    ws.once('unexpected-response', (_req, res) => {
      resolve({ ok: false, status: res.statusCode ?? 0 })
      res.resume()
      ws.terminate()
    })
    ws.once('error', (error) => reject(error))
  })
}

export type ResponseMessage = { type: 'response' } & Response

/** A test client that collects everything the server says. */
export class Client {
  readonly messages: ServerMessage[] = []
  /** Responses by id, in arrival order: a request answered twice shows two. */
  readonly responses = new Map<number, ResponseMessage[]>()
  private waiters: Array<() => void> = []

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as ServerMessage
      this.messages.push(message)
      if (message.type === 'response') {
        const list = this.responses.get(message.id)
        if (list) list.push(message)
        else this.responses.set(message.id, [message])
      }
      for (const wake of this.waiters.splice(0)) wake()
    })
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary })
  }

  /** Resolves once `ready()` holds, checked after each message (and every 50 ms). */
  async waitFor(ready: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!ready()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages.slice(-5)).slice(0, 800)}`)
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve)
        setTimeout(resolve, 50)
      })
    }
  }

  async until<T extends ServerMessage>(pick: (m: ServerMessage) => m is T, timeoutMs = 5000): Promise<T> {
    let found: T | undefined
    await this.waitFor(() => (found = this.messages.find(pick)) !== undefined, 'a matching message', timeoutMs)
    return found!
  }

  async response(id: number, timeoutMs = 5000): Promise<ResponseMessage> {
    await this.waitFor(() => this.responses.has(id), `the response to ${id}`, timeoutMs)
    return this.responses.get(id)![0]!
  }

  async request(id: number, cmd: string, args?: unknown): Promise<Response> {
    this.sendRaw(JSON.stringify({ id, cmd, args }))
    return this.response(id)
  }

  /** Every event of every frame received so far. */
  events(): EventFrame['events'] {
    return this.messages.flatMap((m) => (m.type === 'events' ? m.events : []))
  }
}

export function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) return resolve({ code: -1, reason: 'already closed' })
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }))
  })
}

/** A renderer folder with just an index.html, for servers whose pages the test does not load. */
export async function bareRenderer(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const sandbox = await mkdtemp(join(tmpdir(), 'proclab-web-'))
  const dir = join(sandbox, 'renderer')
  await mkdir(dir)
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>ProcLab</title>')
  return { dir, cleanup: () => rm(sandbox, { recursive: true, force: true }) }
}

/** A host that passes everything to `real`, except what `intercept` answers itself (return undefined to pass). */
export function interceptedHost(real: Host, intercept: (raw: unknown) => Promise<Response> | undefined): Host {
  return {
    info: real.info,
    handle: (raw) => intercept(raw) ?? real.handle(raw),
    call: (cmd, args) => real.call(cmd, args),
    onEvent: (listener) => real.onEvent(listener),
    onFrame: (listener) => real.onFrame(listener),
    dispose: () => real.dispose(),
  }
}
