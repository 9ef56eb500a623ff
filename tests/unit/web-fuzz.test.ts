// No input on the WebSocket ends the host. Broken frames on a raw socket after a valid handshake,
// random bytes and text, bad JSON, every command of the contract with a wrong type in every field,
// and valid commands in the wrong state: each gets a well-formed answer or a closed connection, and
// afterwards the server still answers hello and runs a real scenario to its end. Random inputs come
// from a fixed seed (printed on failure), so a failure replays.
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COMMAND_NAMES, type ErrorCode, type ServerMessage } from '../../src-shared/contract'
import { MAX_NESTING } from '../../src-shared/nesting'
import { createHost } from '../../src-main/host'
import type { Host } from '../../src-main/host/types'
import { startWebServer, type WebServer } from '../../src-main/web/server'
import { wrongFieldCases } from '../helpers/contract-fuzz'
import { spawnIdle } from '../helpers/os'
import { bareRenderer, Client, openSocket } from '../helpers/web'
import { frame, OPCODE, parseServerFrames, randomBuffer, rawWebSocket, seededRandom } from '../helpers/ws-frames'

const SEED = Number(process.env.PROCLAB_FUZZ_SEED ?? 20_251_206)
const ERROR_CODES: ReadonlySet<ErrorCode> = new Set(['bad-request', 'not-found', 'refused', 'busy', 'failed', 'internal'])
const MiB = 1024 * 1024

let host: Host
let server: WebServer
let target: ChildProcess & { pid: number }
const cleanups: Array<() => Promise<unknown>> = []

beforeAll(async () => {
  const sessions = await mkdtemp(join(tmpdir(), 'proclab-fuzz-'))
  cleanups.push(() => rm(sessions, { recursive: true, force: true }))
  const renderer = await bareRenderer()
  cleanups.push(renderer.cleanup)
  const created = await createHost({ sessionLog: false, sessionsDir: sessions })
  host = created
  cleanups.push(() => created.dispose())
  server = await startWebServer(host, { port: 0, rendererDir: renderer.dir, exportsDir: created.exportsDir })
  cleanups.push(() => server.close())
  // What a signal command that happens to be valid may reach: our own sleeper, nothing else.
  target = spawnIdle(300)
  cleanups.push(async () => {
    if (target.exitCode === null && target.signalCode === null) {
      const exited = once(target, 'exit')
      target.kill('SIGKILL')
      await exited
    }
  })
})

afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

async function connect(): Promise<Client> {
  const result = await openSocket(server, {}, (ws) => cleanups.push(async () => ws.terminate()))
  if (!result.ok) throw new Error(`handshake refused with ${result.status}`)
  return new Client(result.ws)
}

/** The server is up and answers a new connection. */
async function stillServes(): Promise<void> {
  const client = await connect()
  expect(await client.request(1, 'hello', {})).toMatchObject({ id: 1, ok: true, value: { app: 'proclab' } })
  client.ws.close()
}

/** A response a client can use: a matchable id, and for an error a known code and a message of bounded size (input is never echoed whole). */
function expectWellFormed(message: ServerMessage, input: string): void {
  const where = `input ${input.slice(0, 200)} (seed ${SEED})`
  expect(message.type, where).toBe('response')
  if (message.type !== 'response') return
  expect(Number.isSafeInteger(message.id) && message.id >= -1, `${where}: id ${message.id}`).toBe(true)
  if (message.ok) return
  expect(ERROR_CODES.has(message.error.code), where).toBe(true)
  expect(message.error.code, `${where}: ${message.error.message}`).not.toBe('internal')
  expect(typeof message.error.message, where).toBe('string')
  expect(message.error.message.length, where).toBeGreaterThan(0)
  expect(message.error.message.length, `${where}: ${message.error.message.slice(0, 200)}`).toBeLessThan(10_000)
}

/** Sends one message at a time and checks that it gets exactly one well-formed response. */
async function eachAnsweredOnce(client: Client, inputs: Array<string | Buffer>): Promise<ServerMessage[]> {
  const answers: ServerMessage[] = []
  for (const input of inputs) {
    const before = client.messages.filter((m) => m.type === 'response').length
    client.sendRaw(input, Buffer.isBuffer(input))
    const label = Buffer.isBuffer(input) ? `<${input.length} binary bytes>` : input
    await client.waitFor(() => client.messages.filter((m) => m.type === 'response').length > before, `an answer to ${label.slice(0, 200)}`)
    const responses = client.messages.filter((m) => m.type === 'response')
    expect(responses.length, `one answer to ${label.slice(0, 200)}`).toBe(before + 1)
    expectWellFormed(responses.at(-1)!, label)
    answers.push(responses.at(-1)!)
  }
  return answers
}

/**
 * Values of the wrong type (or out of range) for any field of the contract. The deep ones are only
 * as deep as this process's JSON.stringify can go on Windows' 1 MiB stack (2,000 levels cannot): far
 * deeper ones are sent as text, in their own test below.
 */
function wrongValues(random: () => number): unknown[] {
  let deep: unknown = 0
  for (let i = 0; i < 200; i++) deep = [deep]
  let deepObject: unknown = {}
  for (let i = 0; i < 200; i++) deepObject = { a: deepObject }
  return [
    null,
    true,
    false,
    0,
    -1,
    1.5,
    2 ** 31,
    2 ** 53,
    -(2 ** 53),
    1e308,
    '',
    'x',
    'x'.repeat(5_000),
    '../../../etc/passwd',
    '\u0000\ud800\uffff',
    [],
    [1, 'a', null],
    Array.from({ length: 10_000 }, () => Math.floor(random() * 1e6)),
    {},
    { a: 1 },
    deep,
    deepObject,
  ]
}

/**
 * Every command with each of its fields given each wrong value in turn, the others valid (so each
 * message tests one field), as JSON; and the prototype's names as own keys, as JSON.parse makes them.
 */
function wrongTypedCommands(random: () => number): string[] {
  let id = 1000
  const messages = wrongFieldCases(wrongValues(random), target.pid).map(({ cmd, args }) => JSON.stringify({ id: ++id, cmd, args }))
  for (const cmd of COMMAND_NAMES) {
    messages.push(`{"id":${++id},"cmd":${JSON.stringify(cmd)},"args":{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}}`)
  }
  return messages
}

function envelopes(random: () => number): string[] {
  const messages: string[] = []
  for (const value of wrongValues(random)) {
    messages.push(JSON.stringify({ id: value, cmd: 'hello' }))
    messages.push(JSON.stringify({ id: 1, cmd: value }))
    messages.push(JSON.stringify(value))
  }
  messages.push('{"id":1,"cmd":"hello","args":{},"extra":true}', '{"__proto__":{"id":5,"cmd":"hello"}}', '{"id":1,"id":2,"cmd":"hello"}')
  // Names long enough to make an error message that quotes them huge.
  const long = 'k'.repeat(20_000)
  messages.push(JSON.stringify({ id: 2, cmd: 'hello', args: { [long]: 1, [`${long}2`]: 2 } }), JSON.stringify({ id: 3, cmd: 'hello', [long]: 1 }), JSON.stringify({ id: 4, cmd: long }))
  return messages
}

function randomTexts(random: () => number): string[] {
  const texts: string[] = ['', ' ', 'null', '[]', '{}', '"hello"', '{"id":', '{"id": 7, "cmd": "hello"', '\u0000', '{"id":1e999,"cmd":"hello"}', `{"id":${'9'.repeat(400)},"cmd":"hello"}`]
  const alphabet = '{}[]":,0123456789abcdefghijklmnopqrstuvwxyz.-+eE \\u'
  for (let i = 0; i < 300; i++) {
    const length = 1 + Math.floor(random() * 200)
    let text = ''
    for (let j = 0; j < length; j++) text += random() < 0.9 ? alphabet[Math.floor(random() * alphabet.length)] : String.fromCodePoint(Math.floor(random() * 0x10ffff))
    texts.push(text.replace(/[\ud800-\udfff]/g, '?'))
  }
  return texts
}

describe('the WebSocket survives any input', () => {
  it('survives broken frames written on a raw socket after a valid handshake', async () => {
    const random = seededRandom(SEED)
    const hello = (id: number) => JSON.stringify({ id, cmd: 'hello' })
    // Each: the bytes to write after the handshake; `closes`: the server must end the connection.
    const cases: Array<{ name: string; bytes: Buffer[]; closes: boolean }> = [
      ...Array.from({ length: 8 }, (_, i) => ({ name: `random bytes #${i}`, bytes: [randomBuffer(random, 1 + Math.floor(random() * 4096))], closes: false })),
      { name: 'unmasked text frame', bytes: [frame({ opcode: OPCODE.text, payload: hello(1), masked: false })], closes: true },
      { name: 'reserved bits set', bytes: [frame({ opcode: OPCODE.text, payload: hello(1), rsv: 0b100 })], closes: true },
      ...[3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf].map((opcode) => ({ name: `unknown opcode ${opcode}`, bytes: [frame({ opcode, payload: 'x' })], closes: true })),
      { name: 'continuation with nothing to continue', bytes: [frame({ opcode: OPCODE.continuation, payload: 'x' })], closes: true },
      { name: 'new text frame inside a fragmented one', bytes: [frame({ opcode: OPCODE.text, payload: '{"id"', fin: false }), frame({ opcode: OPCODE.text, payload: ':1}' })], closes: true },
      { name: 'ping over 125 bytes', bytes: [frame({ opcode: OPCODE.ping, payload: 'p'.repeat(126) })], closes: true },
      { name: 'fragmented ping', bytes: [frame({ opcode: OPCODE.ping, payload: 'p', fin: false })], closes: true },
      { name: 'close with a code no one may send', bytes: [frame({ opcode: OPCODE.close, payload: Buffer.from([0x03, 0xe7]) })], closes: true },
      { name: 'close with one byte of payload', bytes: [frame({ opcode: OPCODE.close, payload: Buffer.from([0x03]) })], closes: true },
      { name: 'text that is not UTF-8', bytes: [frame({ opcode: OPCODE.text, payload: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) })], closes: true },
      { name: 'length of 2^63-1', bytes: [frame({ opcode: OPCODE.text, payload: 'x', declaredLength: 2n ** 63n - 1n })], closes: true },
      { name: 'length over the hard limit', bytes: [frame({ opcode: OPCODE.text, payload: 'x', declaredLength: 9 * MiB })], closes: true },
      { name: 'fragments adding up past the hard limit', bytes: [frame({ opcode: OPCODE.text, payload: 'x'.repeat(5 * MiB), fin: false }), frame({ opcode: OPCODE.continuation, payload: 'x'.repeat(5 * MiB) })], closes: true },
      { name: 'a frame cut short, then silence', bytes: [frame({ opcode: OPCODE.text, payload: hello(1), declaredLength: 100 })], closes: false },
      { name: 'one byte of a header', bytes: [Buffer.from([0x81])], closes: false },
      { name: 'a fragmented message never finished', bytes: [frame({ opcode: OPCODE.text, payload: '{"id":1,', fin: false })], closes: false },
      { name: 'bytes after a close frame', bytes: [frame({ opcode: OPCODE.close, payload: Buffer.from([0x03, 0xe8]) }), frame({ opcode: OPCODE.text, payload: hello(2) }), randomBuffer(random, 64)], closes: true },
    ]
    for (const { name, bytes, closes } of cases) {
      const raw = await rawWebSocket(server.port, server.token)
      for (const chunk of bytes) raw.socket.write(chunk)
      if (closes) {
        // A protocol error: the server ends this one connection (and only it).
        const ended = await Promise.race([raw.ended.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 10_000))])
        expect(ended, name).toBe(true)
      } else {
        raw.socket.destroy()
      }
      await stillServes()
    }
  }, 60_000)

  it('answers a message split into fragments with pings between them, and a ping with a pong', async () => {
    const raw = await rawWebSocket(server.port, server.token)
    const text = JSON.stringify({ id: 77, cmd: 'hello', args: {} })
    raw.socket.write(frame({ opcode: OPCODE.text, payload: text.slice(0, 5), fin: false }))
    raw.socket.write(frame({ opcode: OPCODE.ping, payload: 'between' }))
    for (let i = 5; i < text.length - 1; i++) raw.socket.write(frame({ opcode: OPCODE.continuation, payload: text[i]!, fin: false }))
    raw.socket.write(frame({ opcode: OPCODE.continuation, payload: text.at(-1)! }))
    raw.socket.write(frame({ opcode: OPCODE.binary, payload: Buffer.from([1, 2, 3]) }))
    const frames = async () => parseServerFrames(raw.received())
    await expect.poll(async () => (await frames()).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(3)
    const got = await frames()
    expect(got.find((f) => f.opcode === OPCODE.pong)?.payload.toString()).toBe('between')
    const answers = got.filter((f) => f.opcode === OPCODE.text).map((f) => JSON.parse(f.payload.toString()) as ServerMessage)
    // Answers are matched by id, not by order (the binary one needs no turn at the host).
    expect(answers.find((a) => a.type === 'response' && a.id === 77)).toMatchObject({ ok: true })
    expect(answers.find((a) => a.type === 'response' && a.id === -1)).toMatchObject({ ok: false, error: { code: 'bad-request' } })
    raw.socket.destroy()
  })

  it('answers random bytes, random text, bad JSON and every command with a wrong type in each field, once each', async () => {
    const random = seededRandom(SEED + 1)
    const client = await connect()
    const inputs: Array<string | Buffer> = [
      ...randomTexts(random),
      ...Array.from({ length: 20 }, () => randomBuffer(random, Math.floor(random() * 512))),
      'x'.repeat(MiB + 1),
      `{"id":9,"cmd":"hello","args":{"pad":"${'y'.repeat(MiB)}"}}`,
      ...envelopes(random),
      ...wrongTypedCommands(random),
    ]
    await eachAnsweredOnce(client, inputs)
    // Nothing slipped through where it must not: no run started, the sleeper lives.
    expect(await host.call('run.snapshot', {})).toMatchObject({ runId: null, running: false })
    expect(target.exitCode).toBeNull()
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(await client.request(999_999, 'hello', {})).toMatchObject({ ok: true })
  }, 60_000)

  it('refuses arrays and objects nested past the limit, to any depth and in any place, in plain words', async () => {
    const client = await connect()
    // Written as text: JSON.parse builds any depth without recursing, JSON.stringify could not.
    const nested = (depth: number) => ['['.repeat(depth) + '0' + ']'.repeat(depth), '{"a":'.repeat(depth) + '0' + '}'.repeat(depth)]
    const places = (deep: string) => [
      { text: deep, id: -1 },
      { text: `{"id":${deep},"cmd":"hello"}`, id: -1 },
      { text: `{"id":21,"cmd":${deep}}`, id: 21 },
      { text: `{"id":22,"cmd":"hello","args":${deep}}`, id: 22 },
      { text: `{"id":23,"cmd":"monitor.details","args":{"pid":${deep}}}`, id: 23 },
      { text: `{"id":24,"cmd":"sessions.export","args":{"id":"x","format":"csv","kinds":[${deep}]}}`, id: 24 },
      { text: `{"id":25,"cmd":"hello","extra":${deep}}`, id: 25 },
    ]
    for (const depth of [MAX_NESTING + 1, 2_000, 100_000]) {
      for (const deep of nested(depth)) {
        for (const { text, id } of places(deep)) {
          const [answer] = await eachAnsweredOnce(client, [text])
          expect(answer, `${text.slice(0, 80)} (depth ${depth})`).toMatchObject({ id, ok: false, error: { code: 'bad-request', message: expect.stringContaining(`nested more than ${MAX_NESTING} levels`) } })
        }
      }
    }
    // At the limit itself, the value is looked at, and refused for what it is.
    const [atLimit] = await eachAnsweredOnce(client, [`{"id":26,"cmd":"hello","args":{"a":${nested(MAX_NESTING - 2)[1]}}}`])
    expect(atLimit).toMatchObject({ id: 26, ok: false, error: { code: 'bad-request', message: expect.stringContaining('Unrecognized key') } })
    expect(await client.request(27, 'hello', {})).toMatchObject({ ok: true })
  }, 60_000)

  it('answers valid commands in the wrong state with plain errors', async () => {
    const client = await connect()
    const ask = async (id: number, cmd: string, args: unknown) => {
      const [answer] = await eachAnsweredOnce(client, [JSON.stringify({ id, cmd, args })])
      return answer!
    }
    expect(await ask(1, 'run.stop', {})).toMatchObject({ ok: true, value: { stopped: false } })
    expect(await ask(2, 'process.join', { pid: process.pid, timeoutMs: 10 })).toMatchObject({ ok: false, error: { code: 'not-found' } })
    expect(await ask(3, 'process.join', { pid: target.pid })).toMatchObject({ ok: false, error: { code: 'not-found' } })
    for (const pid of [0, -1, 2 ** 53, 1.5]) expect(await ask(4, 'monitor.details', { pid })).toMatchObject({ ok: false, error: { code: 'bad-request' } })
    expect(await ask(5, 'monitor.details', { pid: 2 ** 31 - 1 })).toMatchObject({ ok: false, error: { code: 'not-found' } })
    const missing = 'session-2025-01-01T00-00-00-000Z-1.ndjson'
    for (const cmd of ['sessions.read', 'sessions.delete']) expect(await ask(6, cmd, { id: missing })).toMatchObject({ ok: false, error: { code: 'not-found' } })
    expect(await ask(7, 'sessions.export', { id: missing, format: 'csv' })).toMatchObject({ ok: false, error: { code: 'not-found' } })
    for (const id of ['../../etc/passwd', `../${missing}`, `${missing}/..`, '/etc/passwd', 'session-x.ndjson\u0000.txt']) {
      for (const cmd of ['sessions.read', 'sessions.delete']) expect(await ask(8, cmd, { id })).toMatchObject({ ok: false, error: { code: 'bad-request' } })
      expect(await ask(9, 'sessions.export', { id, format: 'ndjson' })).toMatchObject({ ok: false, error: { code: 'bad-request' } })
    }
    for (const pid of [1, process.pid]) expect(await ask(10, 'process.signal', { pid, signal: 'SIGSTOP' })).toMatchObject({ ok: false, error: { code: 'refused' } })
    // run.start twice: the second is refused while the first runs; stop ends it.
    expect(await ask(11, 'run.start', { scenario: 'long-sleeper' })).toMatchObject({ ok: true })
    expect(await ask(12, 'run.start', { scenario: 'long-sleeper' })).toMatchObject({ ok: false, error: { code: 'busy' } })
    expect(await ask(13, 'run.stop', {})).toMatchObject({ ok: true, value: { stopped: true } })
    expect(await ask(14, 'run.stop', {})).toMatchObject({ ok: true, value: { stopped: false } })
  }, 60_000)

  it('still answers hello and runs a real scenario to its end through the same server', async () => {
    await stillServes()
    const client = await connect()
    const started = await client.request(1, 'run.start', { scenario: 'join' })
    expect(started).toMatchObject({ ok: true })
    // Only this run's events: a run the fuzz started and stopped may still be ending.
    const runId = (started as { value: { runId: string } }).value.runId
    const ours = () => client.events().filter((e) => e.runId === runId)
    await client.waitFor(() => ours().some((e) => e.kind === 'run.end'), 'the run to end', 30_000)
    expect(ours().find((e) => e.kind === 'run.end')).toMatchObject({ ok: true })
    expect(ours().filter((e) => e.kind === 'process.exit').map((e) => (e.kind === 'process.exit' ? e.exitCode : null))).toEqual([0, 0, 0, 0])
  }, 60_000)
})
