// Nothing that arrives on a lab socket ends the host: not bytes from a stranger before any opening,
// not malformed or untrue messages from a client that knows the run's secret. After each attack the
// same host still serves runs that end ok with the right output. The host runs in this test's
// process, so a throw it did not catch fails the test.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { serialize } from 'node:v8'
import { describe, expect, it } from 'vitest'
import type { EventOf, LabEvent } from '../../src-shared/events'
import type { Host } from '../../src-main/host'
import { OPENING_FRAME_LIMIT } from '../../src-main/lab/supervisor/broker'
import { encodeFrame } from '../../src-main/lab/wire'
import { pidAlive, runOn, scriptDir, waitUntil, withHost, type RunResult } from '../helpers/lab'
import { brokerAddressOf, rawClient, REFUSAL_GUARD_MS, WAITING_SCRIPT } from '../helpers/lab-socket'
import { spawnIdle } from '../helpers/os'
import { randomBuffer, seededRandom } from '../helpers/seeded-random'

const FUZZER = join(process.cwd(), 'tests', 'fixtures', 'lab-socket', 'fuzzer.mjs')

function header(length: number): Buffer {
  const bytes = Buffer.alloc(4)
  bytes.writeUInt32BE(length)
  return bytes
}

interface Attack {
  name: string
  writes: Buffer[]
  /** The host must close this connection for what it sent (false: it may wait for more bytes). */
  mustClose: boolean
}

/** What a stranger (no token) can send before any opening, against the run `runId` whose lab main is `mainPid`. */
function strangerAttacks(runId: string, mainPid: number): Attack[] {
  const next = seededRandom(12)
  const attacks: Attack[] = []
  for (let i = 0; i < 30; i++) attacks.push({ name: `random bytes #${i}`, writes: [randomBuffer(next, 1 + Math.floor(next() * 4096))], mustClose: false })
  for (let i = 0; i < 10; i++) {
    const length = Math.floor(next() * 200)
    attacks.push({ name: `a small frame of random bytes #${i}`, writes: [header(length), randomBuffer(next, length)], mustClose: true })
  }
  const opening = { op: 'control', lid: runId, pid: mainPid }
  const openings: Array<[string, unknown]> = [
    ['null', null],
    ['an empty object', {}],
    ['a control opening with nothing else', { op: 'control' }],
    ["the lab main's opening without a token (the issue's attack)", opening],
    ['a wrong token', { ...opening, token: 'guess' }],
    ['a token that is a number', { ...opening, token: 42 }],
    ['a lid that is a number', { ...opening, lid: 42, token: 'x' }],
    ['a pid that is a string', { ...opening, pid: 'x', token: 'x' }],
    ['a negative pid', { ...opening, pid: -1, token: 'x' }],
    ['stdio for stdin', { op: 'stdio', lid: runId, stream: 'stdin', token: 'x' }],
    ["the lab main's stdout without a token", { op: 'stdio', lid: runId, stream: 'stdout' }],
    ["the lab main's down socket without a token", { op: 'down', lid: runId, pid: mainPid }],
    ['a Map', new Map([['op', 'control']])],
    ['an op that is an Object.prototype name', { op: 'constructor', lid: runId }],
  ]
  for (const [name, value] of openings) attacks.push({ name: `opening: ${name}`, writes: [encodeFrame([value])], mustClose: true })
  // Issue 12, item 1: bad messages in the same first frame as the opening.
  const early: Array<[string, unknown]> = [
    ['null', null],
    ['a create whose object id is a number', { op: 'create', oid: 42, type: 'lock', name: 'x', options: {} }],
    ['a spawn whose holds is a number', { op: 'spawn', rid: 1, lid: `${runId}.1`, name: 'x', daemon: false, target: 't', spec: serialize({}), holds: 42 }],
    ['a second opening', opening],
  ]
  for (const [name, message] of early) attacks.push({ name: `opening + ${name} in one frame`, writes: [encodeFrame([opening, message])], mustClose: true })
  attacks.push(
    { name: 'a frame just over the opening limit', writes: [header(OPENING_FRAME_LIMIT + 1), Buffer.alloc(1024)], mustClose: true },
    { name: 'a 256 MiB frame', writes: [header(256 * 1024 * 1024), Buffer.alloc(64 * 1024)], mustClose: true },
    { name: 'a 4 GiB frame', writes: [header(0xffff_ffff)], mustClose: true },
    { name: 'an empty frame', writes: [header(0)], mustClose: true },
    { name: 'a frame that is not an array', writes: [frameOfValue({ op: 'control', lid: runId, pid: mainPid })], mustClose: true },
    { name: 'an opening with a 20 kB lid', writes: [encodeFrame([{ ...opening, lid: 'x'.repeat(20_000), token: 'x' }])], mustClose: true },
    { name: 'a truncated frame', writes: [header(100), Buffer.alloc(50)], mustClose: false },
  )
  return attacks
}

function frameOfValue(value: unknown): Buffer {
  const body = serialize(value)
  return Buffer.concat([header(body.length), body])
}

function mainStart(events: LabEvent[]): EventOf<'process.start'> | undefined {
  return events.find((e): e is EventOf<'process.start'> => e.kind === 'process.start' && e.name === 'MainProcess')
}

/** The host serves a built-in scenario to its end, with the right output. */
function expectPipeEofRun(run: RunResult): void {
  expect(run.end.ok, run.end.error ?? '').toBe(true)
  expect(run.lines('reader')).toEqual(['reader: got 100 messages (last "message 100"), then EOFError: every write end is closed'])
}

describe('a lab socket under attack', () => {
  it('survives anything a stranger sends before an opening, refuses it, and serves the run it came during and the next', async () => {
    const scripts = scriptDir()
    const go = join(scripts.dir, 'go')
    process.env.PROCLAB_TEST_GO = go
    try {
      await withHost({}, async (host) => {
        const during = await runOn(host, { script: scripts.write('wait.mjs', WAITING_SCRIPT) }, async (_host, events) => {
          await waitUntil(() => events.some((e) => e.kind === 'stdout' && e.line === 'READY'), 20_000, 'the lab main to say READY')
          const main = mainStart(events)!
          const path = brokerAddressOf(go)
          const attacks = strangerAttacks(main.lid, main.pid)
          // A connection the host may keep (waiting for more bytes) is given up after 500 ms; its fate is not checked.
          const fates = await Promise.all(attacks.map((attack) => rawClient(path, attack.writes, attack.mustClose ? REFUSAL_GUARD_MS : 500)))
          const notClosed = attacks.filter((attack, i) => attack.mustClose && !(fates[i]!.connected && fates[i]!.closedByHost)).map((a) => a.name)
          expect(notClosed, 'attacks the host did not refuse').toEqual([])
          writeFileSync(go, '')
        })
        expect(during.end.ok, during.end.error ?? '').toBe(true)
        expect(during.lines('MainProcess')).toEqual(['READY', 'answer 42'])
        const reports = during.events.filter((e): e is EventOf<'lab.error'> => e.kind === 'lab.error').map((e) => e.message)
        expect(reports.some((m) => m.startsWith('a connection to the lab socket'))).toBe(true)
        expectPipeEofRun(await runOn(host, { scenario: 'pipe-eof' }))
      })
    } finally {
      delete process.env.PROCLAB_TEST_GO
      scripts.cleanup()
    }
  })

  it('survives malformed and untrue messages from a client that knows the secret, and serves the next run', async () => {
    await withHost({}, async (host) => {
      const { report, reports } = await fuzzRun(host, null)
      expect(report.sent).toBeGreaterThan(400)
      expect(report.closedByHost).toEqual({ twentyMalformed: true, randomBytes: true, overLimit: true, notAnArray: true, emptyFrame: true, secondControl: true })
      expect(report.mainStillOpen).toBe(true)
      const error = (errorName: string) => ({ ok: false, errorName })
      expect(report.calls).toMatchObject({
        unknownObject: error('ProcessError'),
        lockBigintTimeout: error('TypeError'),
        lockStringTimeout: error('TypeError'),
        lockNegativeTimeout: error('TypeError'),
        lockAcquire: { ok: true, value: true },
        lockNoMethod: error('ProcessError'),
        conditionNotifyBigint: error('TypeError'),
        conditionWaitObjectTimeout: error('TypeError'),
        eventWaitBigint: error('TypeError'),
        queuePutBigint: error('TypeError'),
        queueGetOddWant: error('Empty'),
        pipeBadEnd: error('ProcessError'),
        pipePollBigint: error('TypeError'),
        barrierNegativeTimeout: error('TypeError'),
      })
      expect(reports.filter((m) => m.includes('refused a message')).length).toBeGreaterThan(100)
      expect(reports.some((m) => m.includes('sent 20 malformed messages'))).toBe(true)
      expectPipeEofRun(await runOn(host, { scenario: 'pipe-eof' }))
    })
  })

  it('refuses a pid forged among the malformed messages, and never signals it', async () => {
    // A process of this user that no lab process started: it must come to no harm.
    const victim = spawnIdle(600)
    try {
      await withHost({}, async (host) => {
        const { fuzzed, reports } = await fuzzRun(host, victim.pid)
        expect(reports.find((m) => m.includes(`reported pid ${victim.pid}`))).toMatch(/but that process's parent is pid \d+, not \d+; refused$/)
        expect(fuzzed.events.some((e) => e.kind === 'process.start' && e.pid === victim.pid)).toBe(false)
        expectPipeEofRun(await runOn(host, { scenario: 'pipe-eof' }))
      })
      // The forged pid was never taken: the run's end did not signal it.
      expect(pidAlive(victim.pid)).toBe(true)
    } finally {
      victim.kill('SIGKILL')
    }
  })
})

/**
 * A run whose lab main is the fuzzer (tests/fixtures/lab-socket/fuzzer.mjs): what it reported, the
 * run, and the lab errors the host reported. With a victim, the fuzzer also reports that pid as a child's.
 */
async function fuzzRun(host: Host, victimPid: number | null): Promise<{ report: FuzzReport; fuzzed: RunResult; reports: string[] }> {
  const scripts = scriptDir()
  const reportFile = join(scripts.dir, 'report.json')
  Object.assign(process.env, { PROCLAB_NODE_ARGS: `--import=${pathToFileURL(FUZZER).href}`, PROCLAB_TEST_REPORT: reportFile })
  if (victimPid !== null) process.env.PROCLAB_TEST_VICTIM = String(victimPid)
  try {
    const fuzzed = await runOn(host, { script: scripts.write('plain.mjs', 'export default async function main() {}') })
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as FuzzReport
    const reports = fuzzed.events.filter((e): e is EventOf<'lab.error'> => e.kind === 'lab.error').map((e) => e.message)
    return { report, fuzzed, reports }
  } finally {
    delete process.env.PROCLAB_NODE_ARGS
    delete process.env.PROCLAB_TEST_REPORT
    delete process.env.PROCLAB_TEST_VICTIM
    scripts.cleanup()
  }
}

interface FuzzReport {
  sent: number
  closedByHost: Record<string, boolean>
  mainStillOpen: boolean
  calls: Record<string, { ok: boolean | null; errorName?: string; value?: unknown }>
}
