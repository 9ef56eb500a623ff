// The platform's half of pausing a run (issue 17): stopping processes where they are and letting
// them go on, with real processes. The test asks the OS whether they stopped: on Linux the state
// letter in /proc/<pid>/stat (T) and the CPU time they used; on Windows the CPU time
// GetProcessTimes reports (a suspended process gets none). Steps wait for OS states, never for a
// length of time, except the one lower bound during which CPU time must not grow.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import { posixPausing } from '../../src-main/platform/posix/pause'
import { windowsPausing } from '../../src-main/platform/win32/suspend'
import { endProcess } from '../../src-main/platform/win32/terminate'
import { pidAlive, waitUntil } from '../helpers/lab'
import { procStat as stat, windowsCpu, windowsCpuSettled } from '../helpers/os-cpu'
import { linuxOnly, windowsOnly } from '../helpers/platform'

const STEP_LIMIT_MS = 60_000
/** How long a stopped process is watched for CPU time it should not get. */
const STILL_MS = 300

const started: ChildProcess[] = []
afterEach(() => {
  for (const child of started.splice(0)) {
    if (child.pid !== undefined && process.platform !== 'win32') posixPausing.resume(null, [child.pid])
    child.kill('SIGKILL')
  }
})

/** A Node that spins until killed, and says when it has begun. */
async function busy(options: { children?: number; detached?: boolean } = {}): Promise<{ child: ChildProcess; pids: number[] }> {
  const source = `
    const { spawn } = require('node:child_process')
    const n = Number(process.argv[2])
    const spin = 'for (;;) {}'
    const kids = []
    for (let i = 0; i < n; i++) kids.push(spawn(process.execPath, ['-e', spin], { stdio: 'ignore' }).pid)
    console.log(JSON.stringify(kids))
    for (;;) {}
  `
  const child = spawn(process.execPath, ['-e', source, String(options.children ?? 0)], { stdio: ['ignore', 'pipe', 'ignore'], detached: options.detached ?? false })
  started.push(child)
  const [line] = (await once(child.stdout!, 'data')) as [Buffer]
  const kids = JSON.parse(line.toString()) as number[]
  return { child, pids: [child.pid!, ...kids] }
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
    const { pids } = await busy()
    const pid = pids[0]!
    posixPausing.pause(null, [pid])
    await waitUntil(() => procStat(pid).state === 'T', STEP_LIMIT_MS, 'state T')
    const before = procStat(pid).ticks
    await still()
    expect(procStat(pid).ticks).toBe(before)
    posixPausing.resume(null, [pid])
    await waitUntil(() => procStat(pid).state !== 'T' && procStat(pid).ticks > before, STEP_LIMIT_MS, 'running again')
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
  it('suspends a busy process (no CPU time while suspended) and resumes it', async () => {
    const { pids } = await busy()
    const pid = pids[0]!
    windowsPausing.pause(null, [pid])
    // Suspending is asynchronous: the CPU time settles first, then stands still.
    const before = await windowsCpuSettled(pid, STEP_LIMIT_MS)
    await still()
    expect(windowsCpu(pid)).toBe(before)
    windowsPausing.resume(null, [pid])
    await waitUntil(() => windowsCpu(pid) > before, STEP_LIMIT_MS, 'CPU time growing again')
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
