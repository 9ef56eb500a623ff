// `proclab sessions` says what each session ran: numbered newest first (the numbers `proclab
// export` takes), its start on the local clock, its size, and each run's scenario or script and
// how it ended. --json keeps all of it.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sessionFileName } from '../../src-main/session'
import { cliHome } from '../helpers/cli'
import { HEADER, writeSessionFile } from '../fixtures/session/helpers'

const home = cliHome()
const UTC = { env: { TZ: 'UTC' } }

function run(runId: string, t: number, source: string, end: { ok: boolean; error: string | null } | null): object[] {
  const start = { seq: 0, t, runId, kind: 'run.start', title: `title of ${runId}`, source }
  return end ? [start, { seq: 0, t: t + 1_500_000, runId, kind: 'run.end', ...end, durationUs: 1_500_000 }] : [start]
}

async function session(wall: number, pid: number, events: object[]): Promise<string> {
  const id = sessionFileName(wall, pid)
  await writeSessionFile(join(home.sessionsDir, id), events.map((e, i) => ({ ...e, seq: i + 1 })), { ...HEADER, startedAtWall: wall })
  return id
}

let ids: string[] = []
beforeAll(async () => {
  mkdirSync(home.sessionsDir, { recursive: true })
  ids = [
    await session(Date.UTC(2025, 2, 3, 9, 15, 0), 3, [
      ...run('r1', 0, '/opt/ProcLab/resources/out/main/scenarios/hello.mjs', { ok: true, error: null }),
      ...run('r2', 2_000_000, 'C:\\Users\\me\\labs\\my-lab.ts', { ok: false, error: "TypeError: Process target 'task' is not exported\n    at main" }),
    ]),
    await session(Date.UTC(2025, 2, 2, 18, 0, 0), 2, run('r1', 0, '/home/me/forever.mjs', { ok: false, error: 'stopped by the user' })),
    await session(Date.UTC(2025, 2, 1, 7, 30, 45), 1, []),
  ]
  writeFileSync(join(home.sessionsDir, 'foreign.ndjson'), '{"something":"else"}\n')
})
afterAll(() => home.cleanup())

// Every test starts Node a few times over (seconds apiece under Wine): a hang guard, not a time limit.
describe('proclab sessions', { timeout: 90_000 }, () => {
  it('numbers the sessions newest first and says when each started, what ran and how it ended', async () => {
    const ran = await home.run(['sessions'], UTC)
    expect(ran.code, ran.stderr).toBe(0)
    const rows = ran.stdout.split('\n').filter((line) => /^\d+ {2}/.test(line))
    expect(rows).toHaveLength(4)
    expect(rows[0]).toMatch(/^1 {2}2025-03-03 09:15:00 +\d+ B {2}scenario hello: ok in 1\.5 s · script my-lab\.ts: failed in 1\.5 s \(TypeError: Process target 'task' is not exported\)$/)
    expect(rows[1]).toMatch(/^2 {2}2025-03-02 18:00:00 .* script forever\.mjs: stopped in 1\.5 s$/)
    expect(rows[2]).toMatch(/^3 {2}2025-03-01 07:30:45 .* nothing ran$/)
    expect(rows[3]).toMatch(/^4 .* not readable: /)
    expect(ran.stdout).toContain('`proclab export N` exports number N')
  })

  it('uses the local clock', async () => {
    const ran = await home.run(['sessions'], { env: { TZ: 'Asia/Shanghai' } })
    expect(ran.stdout).toMatch(/^1 {2}2025-03-03 17:15:00 /m)
  })

  it('--json keeps the numbers, the files and every run with its result and error', async () => {
    const ran = await home.run(['sessions', '--json'], UTC)
    expect(ran.code, ran.stderr).toBe(0)
    const listed = JSON.parse(ran.stdout) as { number: number; id: string; file: string; size: number; startedAtWall: number | null; header: object | null; runs: { name: string; kind: string; result: string; error: string | null; seconds: number | null }[] | null }[]
    expect(listed.map((s) => [s.number, s.id])).toEqual([[1, ids[0]], [2, ids[1]], [3, ids[2]], [4, 'foreign.ndjson']])
    expect(listed[0]!.file).toBe(join(home.sessionsDir, ids[0]!))
    expect(listed[0]!.size).toBeGreaterThan(0)
    expect(listed[0]!.startedAtWall).toBe(Date.UTC(2025, 2, 3, 9, 15, 0))
    expect(listed[0]!.runs).toEqual([
      expect.objectContaining({ name: 'hello', kind: 'scenario', result: 'ok', error: null, seconds: 1.5 }),
      expect.objectContaining({ name: 'my-lab.ts', kind: 'script', result: 'failed', error: expect.stringContaining("'task' is not exported") }),
    ])
    expect(listed[2]!.runs).toEqual([])
    expect(listed[3]).toMatchObject({ header: null, runs: null })
  })

  // A real `proclab run`: a host and the scenario's processes, each a Node start (seconds apiece under Wine).
  it('lists a real run first, by its scenario id', { timeout: 120_000 }, async () => {
    const ran = await home.run(['run', 'hello', '-q'])
    expect(ran.code, ran.stderr).toBe(0)
    const listed = await home.run(['sessions'])
    expect(listed.stdout).toMatch(/^1 {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d .* scenario hello: ok in \d+\.\d s$/m)
    expect(listed.stdout).toMatch(/^2 {2}.*my-lab\.ts/m)
  })
})
