// Pause the world (issue 17) on real processes: the test asks the OS, not ProcLab, whether every
// process of the run is stopped (/proc/<pid>/stat state T on Linux), and sees a busy one make no
// progress beside a process that runs (ticks it prints, see progress.ts; on every OS). Every step
// waits for an event, an OS state or ticks, never for a length of time.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isLineEvent, type EventOf, type LabEvent } from '../../src-shared/events'
import type { Host } from '../../src-main/host'
import { pidAlive, runSource, waitUntil } from '../helpers/lab'
import { needs, onLinux, onWindows } from '../helpers/platform'
import { procStat } from '../helpers/os-cpu'
import { countTicks, progressBesideTicker, TICK_EVERY, TICK_STATEMENT } from '../helpers/progress'

/** A hang guard only: each step waits for an event or an OS state. */
const STEP_LIMIT_MS = 120_000

let flags: string
beforeEach(() => {
  flags = mkdtempSync(join(tmpdir(), 'proclab-pause-'))
})
afterEach(() => rmSync(flags, { recursive: true, force: true }))

/** Producers and consumers that go on until the test writes the `finish` flag, and a busy loop beside them. */
function producerConsumer(finish: string): string {
  return `
  import { existsSync, writeSync } from 'node:fs'
  import { Process, Queue, Lock, sleep } from 'proclab'
  const FINISH = ${JSON.stringify(finish)}
  export async function producer(q) {
    let n = 0
    while (!existsSync(FINISH)) { await q.put(n++); await sleep(3) }
    await q.put(null)
    console.log('produced', n)
  }
  export async function consumer(q, lock, total) {
    let count = 0, sum = 0
    for (;;) {
      const item = await q.get()
      if (item === null) break
      await lock.acquire()
      try { count++; sum += item } finally { await lock.release() }
    }
    console.log('consumed', count, sum)
  }
  export async function busy() {
    let ticker = 0
    while (!existsSync(FINISH)) for (let i = 0; i < ${TICK_EVERY}; i++) { ${TICK_STATEMENT} }
    console.log('spun')
  }
  export default async function main() {
    const q = new Queue()
    const lock = new Lock()
    const ps = [
      new Process({ target: producer, args: [q], name: 'producer' }),
      new Process({ target: consumer, args: [q, lock], name: 'consumer' }),
      new Process({ target: busy, name: 'busy' }),
    ]
    for (const p of ps) await p.start()
    for (const p of ps) await p.join()
    console.log('exit codes', ps.map((p) => p.exitCode).join(','))
  }
`
}

const started = (events: LabEvent[]) => events.filter((e): e is EventOf<'process.start'> => e.kind === 'process.start')
const exited = (events: LabEvent[], lid: string) => events.some((e) => e.kind === 'process.exit' && e.lid === lid)
const pidOf = (events: LabEvent[], name: string) => started(events).find((s) => s.name === name)?.pid ?? 0
/** The run's processes that have not exited, as the events tell. */
const livePids = (events: LabEvent[]) => started(events).filter((s) => !exited(events, s.lid)).map((s) => s.pid)
const count = (events: LabEvent[], kind: string) => events.filter((e) => e.kind === kind).length
/** Ticks the named process printed (see progress.ts). */
const ticksOf = (events: LabEvent[], name: string) => {
  const lid = started(events).find((s) => s.name === name)?.lid
  return events.filter(isLineEvent).reduce((n, e) => (e.lid === lid ? n + countTicks(e.line) : n), 0)
}
/** Events of lab operations: none may come while the run is paused. */
const LAB_OPERATION = /^(lock|queue|pipe|value|manager|pool|deadlock)\.|^process\.(wait|resume|stuck)$/

/** Where pausing is built: SIGSTOP on Linux (the OS shows state T) and NtSuspendProcess on Windows (Wine has it). */
const SEES_STOPPED = needs(onLinux || onWindows, 'pausing is built and checked on Linux and Windows')

/** Pauses the run and, on Linux, waits until the OS shows every process of it stopped. */
async function pause(host: Host, events: LabEvent[]): Promise<void> {
  expect(await host.call('run.pause', {})).toEqual({ paused: true })
  // Only what the queues hold (object.items) comes after it.
  expect(events.filter((e) => e.kind !== 'object.items').at(-1)?.kind).toBe('run.paused')
  for (const pid of livePids(events)) await expectStopped(pid)
}

/**
 * Linux: state T in /proc. Windows has no such state to read (and under Wine 8 no CPU time either,
 * see progress.ts): there the busy loop's progress, in the first test, shows the run stopped.
 */
async function expectStopped(pid: number): Promise<void> {
  if (!onWindows) await waitUntil(() => procStat(pid)?.state === 'T', STEP_LIMIT_MS, `pid ${pid} stopped (state T)`)
}

describe('pause the world', SEES_STOPPED, () => {
  it('stops every process, holds every lab operation, and resumes to the right results', async () => {
    const finish = join(flags, 'finish')
    let pausedAt = -1
    let resumedAt = -1
    let progressWhilePaused = 1
    const result = await runSource(producerConsumer(finish), {
      during: async (host, events) => {
        await waitUntil(() => count(events, 'queue.get') >= 5 && pidOf(events, 'busy') > 0, STEP_LIMIT_MS, 'five items consumed and the busy loop started')
        await pause(host, events)
        pausedAt = events.findIndex((e) => e.kind === 'run.paused')
        // Stopped: the busy loop makes no progress while a process beside it ticks on.
        progressWhilePaused = await progressBesideTicker(() => ticksOf(events, 'busy'))
        // A second pause is refused: the run is paused already.
        expect(await host.call('run.pause', {})).toEqual({ paused: false })
        expect(await host.call('run.resume', {})).toEqual({ resumed: true })
        resumedAt = events.findIndex((e) => e.kind === 'run.resumed')
        if (onLinux) await waitUntil(() => livePids(events).every((pid) => procStat(pid)?.state !== 'T'), STEP_LIMIT_MS, 'every process running again')
        // The run goes on: more items move after the resume.
        const gets = count(events, 'queue.get')
        await waitUntil(() => count(events, 'queue.get') > gets, STEP_LIMIT_MS, 'an item consumed after the resume')
        writeFileSync(finish, '')
      },
    })
    expect(result.end.ok).toBe(true)
    expect(progressWhilePaused).toBeLessThan(0.05)
    const whilePaused = result.events.slice(pausedAt + 1, resumedAt)
    expect(whilePaused.filter((e) => LAB_OPERATION.test(e.kind)).map((e) => e.kind)).toEqual([])
    const paused = result.events[pausedAt] as EventOf<'run.paused'>
    const resumed = result.events[resumedAt] as EventOf<'run.resumed'>
    expect(paused.processes).toBeGreaterThanOrEqual(4)
    expect(resumed.reason).toBe('user')
    expect(resumed.pausedUs).toBeGreaterThan(0)
    expect(result.end.pausedUs).toBe(resumed.pausedUs)
    // Nothing lost or doubled: every item produced was consumed once.
    const produced = Number(/^produced (\d+)$/.exec(result.lines('producer').join('\n'))?.[1])
    expect(result.lines('consumer')).toEqual([`consumed ${produced} ${(produced * (produced - 1)) / 2}`])
    expect(result.lines('MainProcess')).toContain('exit codes 0,0,0')
  })

  it('kills a stopped process with SIGKILL while paused', async () => {
    const finish = join(flags, 'finish')
    const result = await runSource(producerConsumer(finish), {
      during: async (host, events) => {
        await waitUntil(() => pidOf(events, 'busy') > 0 && count(events, 'queue.get') >= 1, STEP_LIMIT_MS, 'the busy loop started')
        await pause(host, events)
        const busy = pidOf(events, 'busy')
        await host.call('process.signal', { pid: busy, signal: 'SIGKILL' })
        expect(await host.call('process.join', { pid: busy })).toEqual({ pid: busy, exitCode: -9, timedOut: false })
        await host.call('run.resume', {})
        writeFileSync(finish, '')
      },
    })
    expect(result.end.ok).toBe(true)
    expect(result.lines('MainProcess')).toEqual(['exit codes 0,0,-9'])
  })

  it('stops a paused run: every process ends, none is left stopped', async () => {
    const finish = join(flags, 'never')
    let pids: number[] = []
    const result = await runSource(producerConsumer(finish), {
      during: async (host, events) => {
        await waitUntil(() => pidOf(events, 'busy') > 0, STEP_LIMIT_MS, 'the busy loop started')
        await pause(host, events)
        pids = livePids(events)
        expect(await host.call('run.stop', {})).toEqual({ stopped: true })
      },
    })
    expect(result.end.stopped).toBe(true)
    const resumed = result.events.filter((e): e is EventOf<'run.resumed'> => e.kind === 'run.resumed')
    expect(resumed.map((e) => e.reason)).toEqual(['stop'])
    expect(pids.filter(pidAlive)).toEqual([])
    expect(existsSync(finish)).toBe(false)
  })

  it('refuses to pause or resume when there is nothing to', async () => {
    const result = await runSource(`export default async function main() {}`, {
      during: async (host) => {
        expect(await host.call('run.resume', {})).toEqual({ resumed: false })
      },
    })
    expect(result.end.ok).toBe(true)
    expect(count(result.events, 'run.paused')).toBe(0)
  })
})

describe('kill and join while paused', SEES_STOPPED, () => {
  it('kills and joins a process while paused; what its death means for the broker waits for the resume', async () => {
    const finish = join(flags, 'finish')
    const source = `
      import { existsSync } from 'node:fs'
      import { Process, Lock, sleep } from 'proclab'
      export async function holder(lock) {
        await lock.acquire()
        console.log('holding')
        while (!existsSync(${JSON.stringify(finish)})) await sleep(3)
      }
      export async function waiter(lock) {
        await lock.acquire()
        console.log('got it')
        await lock.release()
      }
      export default async function main() {
        const lock = new Lock()
        const holding = new Process({ target: holder, args: [lock], name: 'holder' })
        await holding.start()
        while (!(await lock.locked())) await sleep(3)
        const waiting = new Process({ target: waiter, args: [lock], name: 'waiter' })
        await waiting.start()
        await waiting.join()
        await holding.join()
        console.log('holder', holding.exitCode, 'waiter', waiting.exitCode)
      }
    `
    let joined: unknown = null
    let abandonedWhilePaused = true
    const result = await runSource(source, {
      during: async (host, events) => {
        await waitUntil(() => events.some((e) => e.kind === 'lock.request' && e.lid === started(events).find((s) => s.name === 'waiter')?.lid), STEP_LIMIT_MS, 'the waiter queued for the lock')
        await pause(host, events)
        const holder = pidOf(events, 'holder')
        // POSIX: SIGTERM waits while a process is stopped, so ProcLab lets this one process go on to die
        // of it. Windows: TerminateProcess ends a suspended process as it is.
        await host.call('process.signal', { pid: holder, signal: 'SIGTERM' })
        joined = await host.call('process.join', { pid: holder })
        expect(pidAlive(holder)).toBe(false)
        abandonedWhilePaused = events.some((e) => e.kind === 'lock.abandoned')
        await expectStopped(pidOf(events, 'waiter'))
        await host.call('run.resume', {})
      },
    })
    expect(joined).toEqual({ pid: result.start('holder').pid, exitCode: -15, timedOut: false })
    expect(abandonedWhilePaused).toBe(false)
    expect(result.end.ok).toBe(true)
    expect(result.lines('waiter')).toEqual(['got it'])
    expect(result.lines('MainProcess')).toEqual(['holder -15 waiter 0'])
    const kinds = result.events.map((e) => e.kind)
    expect(kinds.indexOf('lock.abandoned')).toBeGreaterThan(kinds.indexOf('run.resumed'))
  })
})
