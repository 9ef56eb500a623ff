// How the WebSocket server shares the host between connections: a few requests of each at work,
// turns round-robin, a short queue past which requests are shed with 'busy' (each still gets its one
// answer), identical reads computed once, and waits (process.join) that hold no work slot. The host
// is real; where a test must hold requests at work, it gates them in front of the real host.
import { afterEach, describe, expect, it } from 'vitest'
import type { Response } from '../../src-shared/contract'
import { createHost } from '../../src-main/host'
import type { Host } from '../../src-main/host/types'
import { startWebServer, type WebServer } from '../../src-main/web/server'
import type { ClientLimits } from '../../src-main/web/clients'
import { SharedReads, shareKeyOf } from '../../src-main/web/shared-reads'
import { bareRenderer, Client, closed, interceptedHost, openSocket } from '../helpers/web'
import { frame, OPCODE, parseServerFrames, rawWebSocket } from '../helpers/ws-frames'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

async function serve(wrap: (real: Host) => Host, limits: Partial<ClientLimits> = {}): Promise<WebServer> {
  const renderer = await bareRenderer()
  cleanups.push(renderer.cleanup)
  const real = await createHost({ sessionLog: false })
  cleanups.push(() => real.dispose())
  const server = await startWebServer(wrap(real), { port: 0, rendererDir: renderer.dir, limits })
  cleanups.push(() => server.close())
  return server
}

async function connect(server: WebServer): Promise<Client> {
  const result = await openSocket(server, {}, (ws) => cleanups.push(async () => ws.terminate()))
  if (!result.ok) throw new Error(`handshake refused with ${result.status}`)
  return new Client(result.ws)
}

/** Requests of `cmd` wait at the gate until it opens, then go to the real host; `entered` counts them. */
function gate(cmd: string): { wrap: (real: Host) => Host; open(): void; entered(): number } {
  let opened = false
  let release!: () => void
  const gateOpen = new Promise<void>((resolve) => (release = resolve))
  let entered = 0
  return {
    wrap: (real) =>
      interceptedHost(real, (raw) => {
        if ((raw as { cmd?: unknown }).cmd !== cmd) return undefined
        entered++
        return opened ? real.handle(raw) : gateOpen.then(() => real.handle(raw))
      }),
    open() {
      opened = true
      release()
    },
    entered: () => entered,
  }
}

function sendMany(client: Client, ids: number[], cmd: string, args: object = {}): void {
  for (const id of ids) client.sendRaw(JSON.stringify({ id, cmd, args }))
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i)

function isBusy(response: Response): boolean {
  return !response.ok && response.error.code === 'busy'
}

describe('sharing the host between WebSocket connections', () => {
  it("sheds a flood past its queue with 'busy', answers every request exactly once, and serves another connection meanwhile", async () => {
    const held = gate('run.snapshot')
    const limits = { workPerClient: 2, queuedPerClient: 8, shedBeforePause: 50 }
    const server = await serve(held.wrap, limits)
    const flooder = await connect(server)
    const other = await connect(server)
    const ids = range(1, 1000)
    sendMany(flooder, ids, 'run.snapshot')
    // The flood is stuck at the gate: only workPerClient of it reached the host, the queue is full,
    // and what did not fit was answered 'busy' at once.
    await flooder.waitFor(() => flooder.responses.size >= limits.shedBeforePause && held.entered() === limits.workPerClient, 'busy answers')
    expect([...flooder.responses.values()].every(([r]) => isBusy(r!))).toBe(true)
    // Another connection is served while the flooder still waits for most of its answers.
    expect(await other.request(1, 'hello')).toMatchObject({ id: 1, ok: true })
    expect(await other.request(2, 'scenarios.list', {})).toMatchObject({ id: 2, ok: true })
    expect(flooder.responses.size).toBeLessThan(ids.length)

    held.open()
    await flooder.waitFor(() => flooder.responses.size === ids.length, 'every answer', 15_000)
    const answers = ids.map((id) => flooder.responses.get(id) ?? [])
    expect(answers.filter((list) => list.length !== 1)).toEqual([])
    const busy = answers.filter(([r]) => isBusy(r!)).length
    const served = answers.filter(([r]) => r!.ok).length
    expect(busy + served).toBe(ids.length)
    expect(busy).toBeGreaterThanOrEqual(limits.shedBeforePause)
    expect(flooder.responses.has(-1)).toBe(false)
    // Still one answer each, and the connection still works.
    expect(await flooder.request(5000, 'hello')).toMatchObject({ ok: true })
  })

  it('computes identical reads asked at the same time once, for every connection that asked', async () => {
    const held = gate('monitor.changes')
    const server = await serve(held.wrap)
    const a = await connect(server)
    const b = await connect(server)
    sendMany(a, range(1, 40), 'monitor.changes')
    sendMany(b, range(1, 3), 'monitor.changes')
    await a.waitFor(() => held.entered() > 0, 'the first read at the host')
    held.open()
    await a.waitFor(() => a.responses.size === 40, "a's answers", 15_000)
    await b.waitFor(() => b.responses.size === 3, "b's answers", 15_000)
    const answerIds = [...a.responses.values(), ...b.responses.values()].map(([r]) => (r!.ok ? (r!.value as { id: number }).id : -1))
    expect(answerIds).not.toContain(-1)
    // One computation per distinct answer, far fewer than the 43 requests; b shared a's first one.
    expect(new Set(answerIds).size).toBe(held.entered())
    expect(held.entered()).toBeLessThan(43 / 2)
    const first = (r: Response) => (r.ok ? (r.value as { id: number }).id : -1)
    expect(first(b.responses.get(1)![0]!)).toBe(first(a.responses.get(1)![0]!))
  })

  it("reuses a monitor read's answer for 100 ms, and never a sessions list", async () => {
    const real = await createHost({ sessionLog: false })
    cleanups.push(() => real.dispose())
    let computed = 0
    const counted = interceptedHost(real, (raw) => {
      computed++
      return real.handle(raw)
    })
    let clock = 1_000
    const reads = new SharedReads(counted, () => clock)
    const ask = async (id: number, cmd: string, args: object = {}) => {
      const request = { id, cmd, args }
      const text = await reads.reply(id, request, shareKeyOf(id, request, JSON.stringify(request).length))
      return JSON.parse(text) as { id: number; ok: boolean; value: { id?: number } }
    }
    const first = await ask(1, 'monitor.changes')
    clock += 60
    const again = await ask(2, 'monitor.changes')
    expect(again).toMatchObject({ id: 2, ok: true })
    expect(again.value.id).toBe(first.value.id)
    expect(computed).toBe(1)
    clock += 60
    expect((await ask(3, 'monitor.changes')).value.id).toBeGreaterThan(first.value.id!)
    expect(computed).toBe(2)
    // Other arguments are another read.
    await ask(4, 'monitor.changes', { since: first.value.id! })
    expect(computed).toBe(3)
    await ask(5, 'sessions.list')
    await ask(6, 'sessions.list')
    expect(computed).toBe(5)
  })

  it('lets joins wait without holding the work slots: the same connection is still answered', async () => {
    const held = gate('process.join')
    const server = await serve(held.wrap, { workPerClient: 2 })
    const client = await connect(server)
    sendMany(client, range(1, 20), 'process.join', { pid: 4242 })
    await client.waitFor(() => held.entered() === 20, 'every join at the host')
    expect(await client.request(100, 'hello')).toMatchObject({ ok: true })
    expect(await client.request(101, 'monitor.system', {})).toMatchObject({ ok: true })
    held.open()
    await client.waitFor(() => range(1, 20).every((id) => client.responses.has(id)), 'the joins')
    expect(client.responses.get(1)![0]).toMatchObject({ ok: false, error: { code: 'not-found' } })
  })

  it('gives a client that does not read its answers no more work until it does', async () => {
    // The host's answer is 100 kB here, so the client's unread answers grow fast.
    let entered = 0
    const big = (real: Host) =>
      interceptedHost(real, (raw) => {
        const { id, cmd } = raw as { id: number; cmd: string }
        if (cmd !== 'run.snapshot') return undefined
        entered++
        return Promise.resolve({ id, ok: true, value: { runId: null, running: false, events: [], pad: 'p'.repeat(100_000) } } as Response)
      })
    const server = await serve(big, { outputBacklogBytes: 256 * 1024, workPerClient: 2, queuedPerClient: 8 })
    const reader = await connect(server)
    const other = await connect(server)
    reader.ws.pause()
    // A few at a time, as a UI would send them, so they are not simply shed for arriving at once.
    for (let id = 1; id <= 1000; id += 5) {
      sendMany(reader, range(id, 5), 'run.snapshot')
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
    // What the kernel's socket buffers take (a few MB on loopback), and then the bound: no more.
    let settled = -1
    while (settled !== entered) {
      settled = entered
      await new Promise((resolve) => setTimeout(resolve, 300))
    }
    expect(entered).toBeLessThan(200)
    expect(await other.request(1, 'hello')).toMatchObject({ ok: true })
    reader.ws.resume()
    await reader.waitFor(() => reader.responses.size === 1000, 'every answer', 15_000)
    expect([...reader.responses.values()].filter((list) => list.length !== 1)).toEqual([])
  })

  it("drops a closed connection's queue and keeps serving the others", async () => {
    const held = gate('run.snapshot')
    const server = await serve(held.wrap, { workPerClient: 1, queuedPerClient: 16 })
    const gone = await connect(server)
    const other = await connect(server)
    sendMany(gone, range(1, 200), 'run.snapshot')
    await gone.waitFor(() => held.entered() === 1, 'the first request at the host')
    const left = closed(gone.ws)
    gone.ws.close()
    await left
    held.open()
    expect(await other.request(1, 'run.snapshot', {})).toMatchObject({ ok: true })
    // Nothing of the closed connection's queue reaches the host after it left.
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(held.entered()).toBe(2)
  })

  it('runs nothing more for a connection that has sent its close frame, while its socket is still closing', async () => {
    const held = gate('run.snapshot')
    const server = await serve(held.wrap, { workPerClient: 1, queuedPerClient: 16 })
    const other = await connect(server)
    // A client that says goodbye and never ends its side of the socket: the server's 'close' comes
    // only after ws's 30 s close timeout, and until then the connection is closing, not closed.
    const leaving = await rawWebSocket(server.port, server.token, { allowHalfOpen: true })
    cleanups.push(async () => void leaving.socket.destroy())
    for (const id of range(1, 10)) leaving.socket.write(frame({ opcode: OPCODE.text, payload: JSON.stringify({ id, cmd: 'run.snapshot', args: {} }) }))
    await other.waitFor(() => held.entered() === 1, 'the first request at the host')
    leaving.socket.write(frame({ opcode: OPCODE.close, payload: Buffer.from([0x03, 0xe8]) }))
    await expect.poll(() => parseServerFrames(leaving.received()).some((f) => f.opcode === OPCODE.close), { timeout: 10_000 }).toBe(true)
    held.open()
    expect(await other.request(1, 'run.snapshot', {})).toMatchObject({ ok: true })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(held.entered()).toBe(2)
  })
})
