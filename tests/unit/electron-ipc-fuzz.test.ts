// No input over Electron IPC ends the host. The ipcMain handler's decision (answerIpcRequest:
// sender checks, then the host's schema check) is fed what a renderer could send: any value the
// structured clone algorithm carries (passed through V8's serializer, as Electron passes it),
// from our page and from frames that must be refused. Each answer must be a well-formed Response
// that can be cloned back to the renderer, nothing may leak into Object.prototype, and the host
// must still run a real scenario afterwards. The Electron binary is not needed.
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { deserialize, serialize } from 'node:v8'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COMMAND_NAMES, type ErrorCode, type Response } from '../../src-shared/contract'
import type { LabEvent } from '../../src-shared/events'
import { answerIpcRequest, type IpcSender } from '../../src-main/electron/guards'
import { createHost } from '../../src-main/host'
import type { Host } from '../../src-main/host/types'
import { wrongFieldCases } from '../helpers/contract-fuzz'
import { spawnIdle } from '../helpers/os'

const APP = pathToFileURL(join(resolve('/opt/ProcLab'), 'out', 'renderer', 'index.html')).href
const OURS: IpcSender = { fromOurWindow: true, isMainFrame: true, url: `${APP}#/system` }
const STRANGERS: Array<[string, IpcSender]> = [
  ['another window', { ...OURS, fromOurWindow: false }],
  ['a subframe', { ...OURS, isMainFrame: false }],
  ['a frame that is gone', { ...OURS, url: null }],
  ['a foreign page', { ...OURS, url: 'https://attacker.example/' }],
  ['another file', { ...OURS, url: pathToFileURL('/tmp/evil/index.html').href }],
]
const ERROR_CODES: ReadonlySet<ErrorCode> = new Set(['bad-request', 'not-found', 'refused', 'busy', 'failed', 'internal'])

let host: Host
let target: ChildProcess & { pid: number }

beforeAll(async () => {
  host = await createHost({ sessionLog: false })
  target = spawnIdle(300)
})

afterAll(async () => {
  await host?.dispose()
  if (target && target.exitCode === null && target.signalCode === null) {
    const exited = once(target, 'exit')
    target.kill('SIGKILL')
    await exited
  }
})

/** The value as the main process receives it from the renderer; undefined when it cannot be sent at all. */
function overIpc(value: unknown): { sent: true; value: unknown } | { sent: false } {
  try {
    return { sent: true, value: deserialize(serialize(value)) }
  } catch {
    return { sent: false }
  }
}

/** Values a renderer can send that no well-behaved one does. */
function strangeValues(): unknown[] {
  const cyclic: Record<string, unknown> = { id: 1, cmd: 'hello' }
  cyclic.args = cyclic
  cyclic.self = cyclic
  const cyclicArray: unknown[] = []
  cyclicArray.push(cyclicArray)
  let deepArray: unknown = 0
  for (let i = 0; i < 5_000; i++) deepArray = [deepArray]
  let deepObject: unknown = { id: 1, cmd: 'hello' }
  for (let i = 0; i < 5_000; i++) deepObject = { a: deepObject }
  const sparse: unknown[] = []
  sparse[2 ** 32 - 2] = 1
  const bare = Object.create(null) as Record<string, unknown>
  bare.id = 3
  bare.cmd = 'hello'
  return [
    null,
    undefined,
    true,
    0,
    -0,
    -1,
    1.5,
    Number.NaN,
    Infinity,
    -Infinity,
    2 ** 53,
    10n,
    '',
    'no such thing',
    'x'.repeat(100_000),
    new Date(),
    new Date(Number.NaN),
    /.*/gu,
    new Map<unknown, unknown>([
      ['id', 1],
      ['cmd', 'hello'],
    ]),
    new Set(['hello']),
    new Uint8Array(16),
    new Float64Array([Number.NaN, Infinity]),
    new BigInt64Array(2),
    new ArrayBuffer(8),
    new DataView(new ArrayBuffer(4)),
    Array.from({ length: 1_000_000 }, (_, i) => i),
    sparse,
    deepArray,
    deepObject,
    cyclic,
    cyclicArray,
    bare,
    new Error('boom'),
    JSON.parse('{"__proto__":{"polluted":1,"id":4,"cmd":"hello"}}'),
    { constructor: { prototype: { polluted: 1 } } },
    { toString: 'not a function', valueOf: 5, hasOwnProperty: 1 },
    { ['k'.repeat(50_000)]: 1 },
  ]
}

function expectWellFormed(response: Response, label: string): void {
  expect(Number.isSafeInteger(response.id) && response.id >= -1, `${label}: id ${String(response.id)}`).toBe(true)
  expect(typeof response.ok, label).toBe('boolean')
  // The answer goes back over IPC: it must survive the structured clone too.
  expect(() => serialize(response), label).not.toThrow()
  if (response.ok) return
  expect(ERROR_CODES.has(response.error.code), label).toBe(true)
  expect(response.error.code, `${label}: ${response.error.message.slice(0, 300)}`).not.toBe('internal')
  expect(response.error.message.length, label).toBeGreaterThan(0)
  expect(response.error.message.length, `${label}: ${response.error.message.slice(0, 300)}`).toBeLessThan(10_000)
}

/** Every way the values can reach the handler: as the message, and in each place of the envelope and the arguments. */
function messages(values: unknown[]): Array<{ label: string; raw: unknown }> {
  const out: Array<{ label: string; raw: unknown }> = []
  values.forEach((value, i) => {
    out.push({ label: `value#${i}`, raw: value })
    out.push({ label: `id=value#${i}`, raw: { id: value, cmd: 'hello' } })
    out.push({ label: `cmd=value#${i}`, raw: { id: 1, cmd: value } })
  })
  let id = 100
  for (const { cmd, args, label } of wrongFieldCases(values, target.pid)) out.push({ label, raw: { id: ++id, cmd, args } })
  for (const cmd of COMMAND_NAMES) out.push({ label: `${cmd} with an own __proto__`, raw: JSON.parse(`{"id":${++id},"cmd":"${cmd}","args":{"__proto__":{"polluted":1}}}`) })
  return out
}

describe('Electron IPC survives any value the renderer can send', () => {
  it('answers every structured-cloneable value with a well-formed response, from our page and from strangers', async () => {
    let refusals = 0
    let sent = 0
    for (const { label, raw } of messages(strangeValues())) {
      const delivered = overIpc(raw)
      if (!delivered.sent) continue // the renderer could not have sent it
      sent++
      expectWellFormed(await answerIpcRequest(host, OURS, delivered.value, APP), `ours: ${label}`)
      for (const [who, sender] of STRANGERS) {
        const refused = await answerIpcRequest(host, sender, delivered.value, APP, () => refusals++)
        expectWellFormed(refused, `${who}: ${label}`)
        expect(refused, `${who}: ${label}`).toMatchObject({ ok: false, error: { code: 'refused' } })
      }
    }
    expect(sent).toBeGreaterThan(1_000)
    expect(refusals).toBe(sent * STRANGERS.length)
    // Nothing leaked into every object, no run was started, our sleeper got at most SIGCONT.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getPrototypeOf({})).toBe(Object.prototype)
    expect(await host.call('run.snapshot', {})).toMatchObject({ runId: null, running: false })
    expect(target.exitCode).toBeNull()
  }, 60_000)

  it('keeps the id of a refused request when it is one the renderer can match, and only then', async () => {
    for (const [id, expected] of [
      [7, 7],
      [0, 0],
      [Number.NaN, -1],
      [Infinity, -1],
      [1.5, -1],
      [-3, -1],
      [2 ** 53, -1],
      ['7', -1],
    ] as const) {
      expect((await answerIpcRequest(host, STRANGERS[3]![1], { id, cmd: 'hello' }, APP)).id).toBe(expected)
      expect((await answerIpcRequest(host, OURS, { id, cmd: 'no-such-command' }, APP)).id).toBe(expected)
    }
  })

  it('still serves a real run afterwards, through the same handler', async () => {
    const events: LabEvent[] = []
    const ended = new Promise<LabEvent>((resolve) =>
      host.onEvent((event) => {
        events.push(event)
        if (event.kind === 'run.end') resolve(event)
      }),
    )
    expect(await answerIpcRequest(host, OURS, { id: 1, cmd: 'hello' }, APP)).toMatchObject({ id: 1, ok: true })
    expect(await answerIpcRequest(host, OURS, { id: 2, cmd: 'run.start', args: { scenario: 'join' } }, APP)).toMatchObject({ id: 2, ok: true })
    expect(await ended).toMatchObject({ ok: true })
    expect(events.filter((e) => e.kind === 'process.exit').map((e) => (e.kind === 'process.exit' ? e.exitCode : null))).toEqual([0, 0, 0, 0])
  }, 60_000)
})
