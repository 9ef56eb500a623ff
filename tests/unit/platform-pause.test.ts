// The platform's half of pausing a run (issue 17): stopping processes where they are and letting
// them go on, with real processes. A stopped process makes no progress beside one that runs (ticks
// it prints, see progress.ts), and on Linux the OS says so too: state T in /proc/<pid>/stat. Steps
// wait for OS states or for ticks, never for a length of time, except the one lower bound during
// which a stopped process must not act on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import { posixPausing } from '../../src-main/platform/posix/pause'
import { windowsPausing } from '../../src-main/platform/win32/suspend'
import { endProcess } from '../../src-main/platform/win32/terminate'
import { pidAlive, waitUntil } from '../helpers/lab'
import { procStat as stat } from '../helpers/os-cpu'
import { countTicks, progressBesideTicker, TICK_STATEMENT } from '../helpers/progress'
import { linuxOnly, windowsOnly } from '../helpers/platform'

const STEP_LIMIT_MS = 60_000
/** How long a stopped process is given for a signal it should not act on. */
const STILL_MS = 300
/** A stopped process's progress beside a ticking one's: a running one makes about 1 (see progressBesideTicker). */
const STILL_SHARE = 0.05

const started: ChildProcess[] = []
afterEach(() => {
  for (const child of started.splice(0)) {
    if (child.pid !== undefined && process.platform !== 'win32') posixPausing.resume(null, [child.pid])
    child.kill('SIGKILL')
  }
})

/** A Node that spins until killed, printing a tick as it goes (see progress.ts), and says which children it started. */
async function busy(options: { children?: number; detached?: boolean } = {}): Promise<{ child: ChildProcess; pids: number[]; ticks: () => number }> {
  const source = `
    const { spawn } = require('node:child_process')
    const n = Number(process.argv[2])
    const spin = 'for (;;) {}'
    const kids = []
    for (let i = 0; i < n; i++) kids.push(spawn(process.execPath, ['-e', spin], { stdio: 'ignore' }).pid)
    const { writeSync } = require('node:fs')
    writeSync(1, JSON.stringify(kids) + '\\n')
    let ticker = 0
    for (;;) { ${TICK_STATEMENT} }
  `
  const child = spawn(process.execPath, ['-e', source, String(options.children ?? 0)], { stdio: ['ignore', 'pipe', 'ignore'], detached: options.detached ?? false })
  started.push(child)
  let text = ''
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()))
  await waitUntil(() => text.includes('\n'), STEP_LIMIT_MS, 'the busy process started')
  const kids = JSON.parse(text.slice(0, text.indexOf('\n'))) as number[]
  return { child, pids: [child.pid!, ...kids], ticks: () => countTicks(text) }
}

const still = () => new Promise((resolve) => setTimeout(resolve, STILL_MS))

/** The process's /proc/<pid>/stat, which these tests expect to be there. */
function procStat(pid: number): { state: string; ticks: number } {
  const found = stat(pid)
  if (!found) throw new Error(`no /proc/${pid}/stat`)
  return found
}

describe('POSIX: SIGSTOP and SIGCONT', linuxOnly('reads the stopped state and CPU time in /proc'), () => {
  it('stops a busy process where it is, and lets it go on', async () => {
    const { pids, ticks } = await busy()
    const pid = pids[0]!
    posixPausing.pause(null, [pid])
    await waitUntil(() => procStat(pid).state === 'T', STEP_LIMIT_MS, 'state T')
    expect(await progressBesideTicker(ticks)).toBeLessThan(STILL_SHARE)
    const before = ticks()
    posixPausing.resume(null, [pid])
    await waitUntil(() => procStat(pid).state !== 'T' && ticks() > before, STEP_LIMIT_MS, 'running again')
  })

  it('stops a whole process group with one call, grandchildren included', async () => {
    const { pids } = await busy({ children: 2, detached: true })
    const group = pids[0]!
    posixPausing.pause(group, [])
    await waitUntil(() => pids.every((pid) => procStat(pid).state === 'T'), STEP_LIMIT_MS, 'every member stopped')
    posixPausing.resume(group, [])
    await waitUntil(() => pids.every((pid) => procStat(pid).state !== 'T'), STEP_LIMIT_MS, 'every member running')
    for (const pid of pids.slice(1)) process.kill(pid, 'SIGKILL')
  })

  it('a pid that is gone is no failure', () => {
    expect(() => posixPausing.pause(2 ** 22 + 12345, [2 ** 22 + 12345])).not.toThrow()
  })

  it('SIGKILL ends a stopped process; SIGTERM waits until it is continued, as needsContinueAfter says', async () => {
    expect(['SIGKILL', 'SIGSTOP', 'SIGTERM', 'SIGINT', 'SIGHUP'].map((s) => posixPausing.needsContinueAfter(s as NodeJS.Signals))).toEqual([false, false, true, true, true])
    const killed = (await busy()).child
    posixPausing.pause(null, [killed.pid!])
    await waitUntil(() => procStat(killed.pid!).state === 'T', STEP_LIMIT_MS, 'stopped')
    const gone = once(killed, 'exit')
    process.kill(killed.pid!, 'SIGKILL')
    expect(await gone).toEqual([null, 'SIGKILL'])

    const termed = (await busy()).child
    posixPausing.pause(null, [termed.pid!])
    await waitUntil(() => procStat(termed.pid!).state === 'T', STEP_LIMIT_MS, 'stopped')
    const ended = once(termed, 'exit')
    process.kill(termed.pid!, 'SIGTERM')
    await still()
    // Pending, not delivered: the process is still there, stopped.
    expect(procStat(termed.pid!).state).toBe('T')
    posixPausing.resume(null, [termed.pid!])
    expect(await ended).toEqual([null, 'SIGTERM'])
  })
})

describe('Windows: NtSuspendProcess and NtResumeProcess', windowsOnly('ntdll and process handles are Windows calls (Wine has them too)'), () => {
  it('suspends a busy process (it makes no progress while suspended) and resumes it', async () => {
    const { pids, ticks } = await busy()
    windowsPausing.pause(null, [pids[0]!])
    expect(await progressBesideTicker(ticks)).toBeLessThan(STILL_SHARE)
    const before = ticks()
    windowsPausing.resume(null, [pids[0]!])
    await waitUntil(() => ticks() > before, STEP_LIMIT_MS, 'ticking again')
  })

  it('ends a suspended process with TerminateProcess, which needs nothing from it', async () => {
    const { child } = await busy()
    windowsPausing.pause(null, [child.pid!])
    expect(windowsPausing.needsContinueAfter('SIGTERM')).toBe(false)
    const gone = once(child, 'exit')
    endProcess(child.pid!, 'SIGTERM')
    await gone
    expect(pidAlive(child.pid!)).toBe(false)
  })

  it('a pid that is gone is no failure', () => {
    expect(() => windowsPausing.pause(null, [2 ** 22 + 12344])).not.toThrow()
  })
})
