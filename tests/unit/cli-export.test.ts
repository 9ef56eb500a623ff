// `proclab export` takes what `proclab sessions` shows: `latest`, a number (1 is the newest), a
// session's name with or without .ndjson, or a path. A session that is not there is one clear
// line, and no failure leaves an output file behind (nor touches one that was there).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sessionFileName } from '../../src-main/session'
import { cliHome, type CliResult } from '../helpers/cli'
import { HEADER, writeSessionFile } from '../fixtures/session/helpers'

const home = cliHome()
const out = join(home.dataHome, '..', 'out')
/** Three sessions, oldest first; each ran a script named after it. */
const SESSIONS = ['oldest', 'middle', 'newest'].map((name, i) => {
  const startedAtWall = Date.UTC(2025, 0, 1 + i)
  return { name, startedAtWall, id: sessionFileName(startedAtWall, 100 + i) }
})

beforeAll(async () => {
  mkdirSync(home.sessionsDir, { recursive: true })
  mkdirSync(out)
  for (const s of SESSIONS) {
    const events = [
      { seq: 1, t: 0, runId: 'r1', kind: 'run.start', title: s.name, source: `/labs/${s.name}.mjs` },
      { seq: 2, t: 5, runId: 'r1', kind: 'run.end', ok: true, error: null, durationUs: 5 },
    ]
    await writeSessionFile(join(home.sessionsDir, s.id), events, { ...HEADER, startedAtWall: s.startedAtWall })
  }
})
afterAll(() => home.cleanup())

/** The script the exported session ran, read from its NDJSON. */
function ranScript(ran: CliResult): string {
  expect(ran.code, ran.stderr).toBe(0)
  const start = ran.stdout.split('\n').map((line) => (line ? (JSON.parse(line) as { kind?: string; source?: string }) : {})).find((e) => e.kind === 'run.start')
  return start?.source ?? '(none)'
}

// Every test starts Node a few times over (seconds apiece under Wine): a hang guard, not a time limit.
describe('proclab export <session>', { timeout: 90_000 }, () => {
  it('takes latest, a number as `proclab sessions` numbers them, a name with or without .ndjson, and a path', async () => {
    const middle = SESSIONS[1]!.id
    const refs = ['latest', '1', '3', middle, middle.replace(/\.ndjson$/, ''), join(home.sessionsDir, SESSIONS[0]!.id)]
    // Read-only, so all at once: each is a Node start of its own (slow under Wine).
    const [runs, elsewhere] = await Promise.all([Promise.all(refs.map((ref) => home.run(['export', ref]))), home.run(['export', 'latest', '--dir', out])])
    expect(runs.map(ranScript)).toEqual(['/labs/newest.mjs', '/labs/newest.mjs', '/labs/oldest.mjs', '/labs/middle.mjs', '/labs/middle.mjs', '/labs/oldest.mjs'])
    // --dir looks elsewhere, as `proclab sessions --dir` does.
    expect(elsewhere.stderr).toMatch(/^proclab: no sessions recorded in /)
  })

  it('writes -o FILE complete, with nothing else left beside it', async () => {
    const target = join(out, 'middle.csv')
    const ran = await home.run(['export', '2', '-f', 'csv', '-o', target])
    expect(ran.code, ran.stderr).toBe(0)
    expect(readFileSync(target, 'utf8')).toMatch(/^seq,.*\n.*run\.start.*middle/s)
    expect(readdirSync(out)).toEqual(['middle.csv'])
  })

  it.each([
    ['a number past the end', ['9'], /^proclab: no session number 9: there are 3 \(1 is the newest, 3 the oldest\)/],
    ['a name that is not there', ['session-nope'], /^proclab: no session 'session-nope': no such file here, nor in /],
    ['a path that is not there', [join(out, 'gone', 'x.ndjson')], /^proclab: no session file /],
    ['a file that is not a session', ['not-a-session'], /^proclab: .*not-a-session is not a ProcLab session: its first line is not a session header/],
  ])('%s: one line, exit 1, and no output file', async (_what, args, message) => {
    writeFileSync(join(out, 'not-a-session'), 'hello, I am a text file\n'.repeat(1000))
    const before = readdirSync(out).sort()
    const target = join(out, 'result.csv')
    const ran = await home.run(['export', ...args.map((a) => (a === 'not-a-session' ? join(out, a) : a)), '-f', 'csv', '-o', target])
    expect(ran.code).toBe(1)
    expect(ran.stderr).toMatch(message)
    expect(ran.stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(ran.stderr).not.toMatch(/ENOENT|\n\s+at /)
    expect(existsSync(target)).toBe(false)
    expect(readdirSync(out).sort()).toEqual(before)
  })

  it('a failure leaves a file that was already there as it was', async () => {
    const target = join(out, 'kept.csv')
    writeFileSync(target, 'the previous export\n')
    writeFileSync(join(out, 'broken.ndjson'), '{"not":"a header"}\n')
    const ran = await home.run(['export', join(out, 'broken.ndjson'), '-f', 'csv', '-o', target])
    expect(ran.code).toBe(1)
    expect(readFileSync(target, 'utf8')).toBe('the previous export\n')
    expect(readdirSync(out).filter((name) => name.includes('partial'))).toEqual([])
  })
})
