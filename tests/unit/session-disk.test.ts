// Nothing lost: a full disk or a read-only log folder stops the recording with one clear line
// naming the file and the reason, the run goes on, `proclab run`'s exit code is the run's, and
// the file written so far stays readable. Real file systems throughout: /dev/full (ENOSPC on
// every write), tmpfs mounts of a few KiB (full at the start, filling up mid-run, read-only) in a
// mount namespace of their own, and a folder the user may not write to.
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportSession, loadSession, type ExportFormat } from '../../src-main/session'
import { collect, tempDir } from '../fixtures/session/helpers'
import { run, runOnSmallDisk, smallDiskUnavailable, type Ran } from '../fixtures/session/small-disk'

const root = fileURLToPath(new URL('../..', import.meta.url))
const hostFixture = fileURLToPath(new URL('../fixtures/session/host-small-disk.ts', import.meta.url))
const env = { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' }
const isLinux = process.platform === 'linux'
const noSmallDisk = isLinux ? smallDiskUnavailable() : 'Linux only'
if (noSmallDisk) console.warn(`session-disk: tmpfs tests skipped: ${noSmallDisk}`)

// About 3 MB of log (20,000 output lines), for a disk of 256 KiB.
const FLOOD = `
export default async function main() {
  for (let i = 1; i <= 20000; i++) console.log('flood line ' + i + ' ' + 'x'.repeat(80))
}
`

let dir = ''
let cleanup = async () => {}
let flood = ''
beforeAll(async () => {
  ;({ dir, cleanup } = await tempDir())
  // Others (nobody, below) must reach the script and the folders made in here.
  chmodSync(dir, 0o755)
  flood = join(dir, 'flood.mjs')
  const { writeFileSync } = await import('node:fs')
  writeFileSync(flood, FLOOD, { mode: 0o644 })
})
afterAll(() => cleanup())

function proclab(...args: string[]): string[] {
  return [process.execPath, join(root, 'bin/proclab.js'), ...args]
}

/** The lines proclab itself printed on stderr (the lab's own stderr lines have a process prefix). */
function ownLines(ran: Ran): string[] {
  return ran.stderr.split('\n').filter((line) => line.startsWith('proclab:'))
}

function expectRunOk(ran: Ran): void {
  expect(ran.code, ran.stderr).toBe(0)
  expect(ran.stdout).toMatch(/^run ok in /m)
}

async function expectReadableEverywhere(file: string): Promise<void> {
  const { events, warnings } = await loadSession(file)
  expect(warnings).toEqual([])
  expect(events[0]?.kind).toBe('run.start')
  expect(events.map((e) => e.seq)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1))
  for (const format of ['ndjson', 'csv', 'chrome-trace'] as ExportFormat[]) {
    const { out, text } = collect()
    const result = await exportSession(file, format, out)
    expect(result.skippedLines, format).toBe(0)
    expect(text().length, format).toBeGreaterThan(0)
    if (format === 'chrome-trace') expect(() => JSON.parse(text())).not.toThrow()
  }
}

describe.skipIf(!isLinux)('recording to a file that refuses every write', () => {
  it('--log /dev/full: one line naming the file and ENOSPC, the run goes on and exits 0', async () => {
    const ran = await run(process.execPath, proclab('run', 'hello', '--log', '/dev/full').slice(1), { cwd: root, env })
    expectRunOk(ran)
    expect(ownLines(ran)).toEqual(['proclab: recording could not start: /dev/full: no space left on device (ENOSPC); ProcLab goes on without a session log'])
    expect(ran.stdout).not.toMatch(/^session log:/m)
  })
})

describe.skipIf(noSmallDisk !== null)('recording on a small tmpfs', () => {
  let disk = 0
  /** A fresh mount point and a folder for what the tmpfs held. */
  function place(): { mountPoint: string; copyTo: string } {
    disk++
    const mountPoint = join(dir, `disk-${disk}`)
    const copyTo = join(dir, `copied-${disk}`)
    mkdirSync(mountPoint)
    mkdirSync(copyTo)
    return { mountPoint, copyTo }
  }

  it('a disk that fills mid-run: one line with the file and ENOSPC, "run ok", exit 0, and the file reads back whole', async () => {
    const { mountPoint, copyTo } = place()
    const log = join(mountPoint, 'flood.ndjson')
    const ran = await runOnSmallDisk({ mountPoint, copyTo, sizeKiB: 256 }, proclab('run', flood, '--log', log), { cwd: root, env })
    expectRunOk(ran)
    // Which of the two endings depends on when the failed write comes back: while the run still
    // goes on, or (a busy machine: the recorder's writes lag behind the flood) after it ended.
    const line = `proclab: recording stopped: ${log}: no space left on device (ENOSPC); `
    expect(ownLines(ran)).toEqual([expect.stringMatching(/; (the run|ProcLab) goes on, unrecorded from here$/)])
    expect(ownLines(ran)[0]!.startsWith(line)).toBe(true)
    expect(ran.stdout).toContain(`session log: ${log} (incomplete: recording stopped, see above)`)
    // Every output line reached the terminal: the run did not wait for or stop at the disk.
    expect(ran.stdout).toMatch(/flood line 20000 x+$/m)
    const copy = join(copyTo, 'flood.ndjson')
    const size = statSync(copy).size
    expect(size).toBeGreaterThan(128 * 1024)
    expect(size).toBeLessThanOrEqual(256 * 1024)
    // Cut back to the last whole line: no torn line, nothing the reader must skip.
    await expectReadableEverywhere(copy)
    expect(statSync(copy).mode & 0o777).toBe(0o600)
  })

  it('a disk full at the start: one line with the file and ENOSPC, the run goes on without a log, no empty file left', async () => {
    const { mountPoint, copyTo } = place()
    const log = join(mountPoint, 'never.ndjson')
    const ran = await runOnSmallDisk({ mountPoint, copyTo, sizeKiB: 64, full: true }, proclab('run', 'hello', '--log', log), { cwd: root, env })
    expectRunOk(ran)
    expect(ownLines(ran)).toEqual([`proclab: recording could not start: ${log}: no space left on device (ENOSPC); ProcLab goes on without a session log`])
    expect(ran.stdout).not.toMatch(/^session log:/m)
    expect(readdirSync(copyTo)).toEqual([])
  })

  it('a read-only file system: one line with the file and EROFS, the run goes on', async () => {
    const { mountPoint, copyTo } = place()
    const log = join(mountPoint, 'ro.ndjson')
    const ran = await runOnSmallDisk({ mountPoint, copyTo, sizeKiB: 64, readOnly: true }, proclab('run', 'hello', '--log', log), { cwd: root, env })
    expectRunOk(ran)
    expect(ownLines(ran)).toEqual([`proclab: recording could not start: ${log}: read-only file system (EROFS); ProcLab goes on without a session log`])
  })

  it('the host tells its UIs (a session.stopped event, hello.recordingError) and serves the next run', async () => {
    const { mountPoint, copyTo } = place()
    const log = join(mountPoint, 'host.ndjson')
    const ran = await runOnSmallDisk({ mountPoint, copyTo, sizeKiB: 256 }, [process.execPath, '--import', 'tsx', hostFixture, log, flood], { cwd: root, env })
    expect(ran.code, ran.stderr).toBe(0)
    const told = JSON.parse(ran.stdout.trim().split('\n').at(-1)!) as {
      stopped: Array<{ kind: string; file: string; error: string; runId: string | null }>
      ends: Array<{ ok: boolean; runId: string }>
      recordingError: string | null
      sessionFile: string | null
    }
    expect(told.stopped).toEqual([expect.objectContaining({ kind: 'session.stopped', file: log, error: 'no space left on device (ENOSPC)', runId: 'r1' })])
    expect(told.ends.map((e) => [e.runId, e.ok])).toEqual([
      ['r1', true],
      ['r2', true],
    ])
    expect(told.recordingError).toBe(`recording stopped: ${log}: no space left on device (ENOSPC); the run goes on, unrecorded from here`)
    expect(told.sessionFile).toBe(log)
    expect(ownLines(ran)).toEqual([`proclab: ${told.recordingError}`])
    await expectReadableEverywhere(join(copyTo, 'host.ndjson'))
  })
})

describe.skipIf(!isLinux)('a log folder the user may not write to', () => {
  // Root writes through permission bits, so as root the CLI runs as nobody (setpriv).
  const asRoot = process.getuid?.() === 0
  const setpriv = asRoot ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'] : []

  it('names the file and EACCES, and the run goes on without a log', async () => {
    const locked = join(dir, 'locked')
    mkdirSync(locked)
    chmodSync(locked, 0o555)
    const log = join(locked, 'x.ndjson')
    const [command, ...args] = [...setpriv, ...proclab('run', 'hello', '--log', log)]
    const ran = await run(command!, args, { cwd: root, env: { ...env, HOME: dir, XDG_DATA_HOME: join(dir, 'data-nobody') } })
    expectRunOk(ran)
    expect(ownLines(ran)).toEqual([`proclab: recording could not start: ${log}: permission denied (EACCES); ProcLab goes on without a session log`])
    expect(existsSync(log)).toBe(false)
  })

  it('names the folder it could not make for the default log', async () => {
    const locked = join(dir, 'locked-home')
    mkdirSync(locked)
    chmodSync(locked, 0o555)
    const [command, ...args] = [...setpriv, ...proclab('run', 'hello')]
    const ran = await run(command!, args, { cwd: root, env: { ...env, HOME: locked, XDG_DATA_HOME: locked } })
    expectRunOk(ran)
    const lines = ownLines(ran)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(new RegExp(`^proclab: recording could not start: ${locked}/proclab/sessions/session-[^ ]+\\.ndjson: its folder ${locked}/proclab: permission denied \\(EACCES\\); ProcLab goes on without a session log$`))
  })
})
