// Names of the files the UI's Export button writes into exports/: what ran and when the session
// started, on the user's clock (`join_2025-01-31_14-05-09.csv`), not epoch milliseconds.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { EXPORT_NAME_PATTERN, exportFileName, exportToFolder, sessionFileName } from '../../src-main/session'
import { HEADER, tempDir, writeSessionFile } from '../fixtures/session/helpers'

let dir = ''
let cleanup = async () => {}
beforeAll(async () => ({ dir, cleanup } = await tempDir()))
afterAll(() => cleanup())

// The local time zone is the point: the same instant reads differently in Shanghai and in UTC.
const savedTz = process.env.TZ
afterEach(() => {
  if (savedTz === undefined) delete process.env.TZ
  else process.env.TZ = savedTz
})

describe('exportFileName', () => {
  it("names a scenario's export by its id and the session's start in local time", () => {
    process.env.TZ = 'Asia/Shanghai'
    const started = Date.UTC(2025, 0, 31, 6, 5, 9, 500) // 14:05:09.5 in Shanghai
    const naming = { sources: ['/opt/proclab/out/main/scenarios/join.mjs'], startedAtWall: started }
    expect(exportFileName(naming, 'csv')).toBe('join_2025-01-31_14-05-09.csv')
    expect(exportFileName(naming, 'chrome-trace', 2)).toBe('join_2025-01-31_14-05-09-2.trace.json')
    process.env.TZ = 'UTC'
    expect(exportFileName(naming, 'ndjson')).toBe('join_2025-01-31_06-05-09.ndjson')
  })

  it("names a script's export by its base name, kept to what a file name and a header can carry", () => {
    process.env.TZ = 'UTC'
    const at = Date.UTC(2025, 5, 1, 23, 59, 0)
    const name = (...sources: string[]) => exportFileName({ sources, startedAtWall: at }, 'csv')
    expect(name('C:\\Users\\me\\labs\\my lab.ts')).toBe('my-lab_2025-06-01_23-59-00.csv')
    expect(name('/home/me/锁.mjs')).toBe('script_2025-06-01_23-59-00.csv')
    expect(name('/home/me/../x/../../etc.passwd.mjs')).toBe('etc-passwd_2025-06-01_23-59-00.csv')
    expect(name('/a/hello.mjs', '/a/join.mjs', '/b/hello.mjs', '/c/daemon.mjs')).toBe('hello-and-2-more_2025-06-01_23-59-00.csv')
    expect(name()).toBe('session_2025-06-01_23-59-00.csv')
    expect(name(`/a/${'x'.repeat(300)}.mjs`)).toMatch(/^x{40}_2025/)
  })

  it('makes names the download route accepts, old ones still included, and nothing else', () => {
    const at = Date.UTC(2025, 0, 1)
    for (const sources of [['/a/join.mjs'], ['/a/锁.mjs'], [], ['/a/a.mjs', '/a/b.mjs'], [`/a/${'y'.repeat(300)}-and.mjs`]]) {
      for (const format of ['ndjson', 'csv', 'chrome-trace'] as const) expect(exportFileName({ sources, startedAtWall: at }, format, 999)).toMatch(EXPORT_NAME_PATTERN)
    }
    expect('session-2025-01-01T00-00-00-000Z-77-csv-1735689600000.csv').toMatch(EXPORT_NAME_PATTERN)
    for (const foreign of [sessionFileName(at, 77), '../join_2025-01-01_00-00-00.csv', 'join_2025-01-01_00-00-00.csv.partial', 'a.b_2025-01-01_00-00-00.csv', 'join_2025-01-01_00-00-00']) {
      expect(foreign).not.toMatch(EXPORT_NAME_PATTERN)
    }
  })
})

describe('exportToFolder', () => {
  it('names each export after the run and the session start, a counter when the name is taken', async () => {
    process.env.TZ = 'Europe/Berlin'
    const sessions = join(dir, 'sessions')
    const { mkdir } = await import('node:fs/promises')
    await mkdir(sessions)
    const started = Date.UTC(2025, 6, 14, 8, 0, 5) // 10:00:05 in Berlin (summer time)
    const id = sessionFileName(started, 4242)
    await writeSessionFile(join(sessions, id), [{ seq: 1, t: 0, runId: 'r1', kind: 'run.start', title: 'Join', source: '/x/out/main/scenarios/join.mjs' }], { ...HEADER, startedAtWall: started })
    const exports = join(dir, 'exports')
    const first = await exportToFolder(join(sessions, id), id, 'csv', exports)
    const second = await exportToFolder(join(sessions, id), id, 'csv', exports)
    const trace = await exportToFolder(join(sessions, id), id, 'chrome-trace', exports)
    expect([first.name, second.name, trace.name]).toEqual(['join_2025-07-14_10-00-05.csv', 'join_2025-07-14_10-00-05-1.csv', 'join_2025-07-14_10-00-05.trace.json'])
    expect(readdirSync(exports).sort()).toEqual([first.name, second.name, trace.name].sort())
  })
})
