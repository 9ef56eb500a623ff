// Locks, semaphores, events, conditions and barriers across real processes, with Python's semantics.
import { describe, expect, it } from 'vitest'
import type { EventOf } from '../../src-shared/events'
import { runSource } from '../helpers/lab'
import { windowsBug } from '../helpers/platform'
import { results } from '../helpers/results'

describe('Lock and friends', () => {
  it('serialises critical sections across processes and serves waiters in arrival order', async () => {
    const run = await runSource(`
      import { Process, Lock, Queue, sleep } from 'proclab'
      export async function worker(id, lock, ready) {
        await ready.put(id)
        await lock.withLock(async () => { console.log('in ' + id); await sleep(80); console.log('out ' + id) })
      }
      export default async function main() {
        const lock = new Lock({ name: 'printer' }), ready = new Queue()
        const ps = [0, 1, 2, 3].map((id) => new Process({ target: worker, args: [id, lock, ready] }))
        await lock.acquire()             // hold it while everyone arrives
        for (const p of ps) await p.start()
        for (const _ of ps) await ready.get()
        await sleep(400)
        await lock.release()
        for (const p of ps) await p.join()
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    // Critical sections never interleave: every 'in N' is followed by its own 'out N'.
    const output = run.events.flatMap((e) => (e.kind === 'stdout' && /^(in|out) /.test(e.line) ? [e.line] : []))
    expect(output).toHaveLength(8)
    for (let i = 0; i < 8; i += 2) expect(output[i + 1]).toBe(output[i]!.replace('in', 'out'))
    // First come, first served: the workers got the lock in the order they asked for it.
    const lockEvents = run.events.filter((e) => e.kind === 'lock.request' || e.kind === 'lock.acquire')
    const requestOrder = lockEvents.filter((e) => e.kind === 'lock.request').map((e) => (e as EventOf<'lock.request'>).lid)
    const grantOrder = lockEvents.filter((e) => e.kind === 'lock.acquire').map((e) => (e as EventOf<'lock.acquire'>).lid)
    expect(grantOrder).toEqual(requestOrder)
    const acquires = run.events.filter((e): e is EventOf<'lock.acquire'> => e.kind === 'lock.acquire')
    const releases = run.events.filter((e): e is EventOf<'lock.release'> => e.kind === 'lock.release')
    expect(acquires).toHaveLength(5)
    expect(releases).toHaveLength(5)
    // Holds never overlap: each acquire comes after the previous release.
    const holds = run.events.filter((e) => e.kind === 'lock.acquire' || e.kind === 'lock.release').map((e) => e.kind)
    expect(holds).toEqual(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? 'lock.acquire' : 'lock.release')))
    // The workers waited for the main's hold; the host measured it.
    expect(Math.max(...acquires.slice(1).map((a) => a.waitedUs))).toBeGreaterThan(300_000)
  })

  // The broker acts on a child's death when its connection closes; the parent's join() waits for the exit its
  // own child handle reports. Under Wine the close came after the parent's next call once: getValue() said 0,
  // the dead child's two permits not yet released.
  const lateRelease = windowsBug("join() may return before the broker saw the child's connection close, which is when it puts back the child's lease or permits (under Wine 2 of 5 full runs: lab-queues once, lab-sync once)")
  it('acquire returns false at once with block false or timeout 0, and after the timeout; misuse is a clear error', lateRelease, async () => {
    const run = await runSource(`
      import { Process, Lock, RLock, Semaphore, BoundedSemaphore, ProcessError } from 'proclab'
      export async function tryIt(lock, sem) {
        const t = performance.now()
        const noBlock = await lock.acquire({ block: false })
        const zero = await lock.acquire({ timeout: 0 })
        const quick = performance.now() - t
        const t2 = performance.now()
        const timed = await lock.acquire({ timeout: 150 })
        const waited = performance.now() - t2
        const semTries = [await sem.acquire({ block: false }), await sem.acquire({ block: false }), await sem.acquire({ block: false })]
        console.log('RESULT ' + JSON.stringify({ noBlock, zero, quick, timed, waited, semTries }))
      }
      async function error(fn) { try { await fn(); return 'no error' } catch (e) { return e.constructor.name + ': ' + e.message } }
      export default async function main() {
        const lock = new Lock(), sem = new Semaphore(2)
        await lock.acquire()
        const p = new Process({ target: tryIt, args: [lock, sem] }); await p.start(); await p.join()
        console.log('RESULT ' + JSON.stringify({ locked: await lock.locked(), semValue: await sem.getValue() }))
        await lock.release()
        const r = new RLock()
        await r.acquire(); await r.acquire()
        await r.release()
        const stillLocked = await r.locked()
        await r.release()
        const bounded = new BoundedSemaphore(1)
        console.log('RESULT ' + JSON.stringify({
          stillLocked, unlockedNow: !(await r.locked()),
          releaseUnlocked: await error(() => lock.release()),
          releaseRLockTwice: await error(() => r.release()),
          overRelease: await error(() => bounded.release()),
          badTimeout: await error(() => lock.acquire({ timeout: -1 })),
        }))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const child = results(run.lines('Process-1'))
    expect(child).toMatchObject({ noBlock: false, zero: false, timed: false, semTries: [true, true, false] })
    expect(child.quick as number).toBeLessThan(120)
    expect(child.waited as number).toBeGreaterThanOrEqual(140)
    const main = results(run.lines('MainProcess'))
    // The child exited holding two permits: the broker released them and said so.
    expect(main).toMatchObject({ locked: true, semValue: 2, stillLocked: true, unlockedNow: true })
    expect(run.events.filter((e) => e.kind === 'lock.abandoned' && e.lid === run.start('Process-1').lid)).toHaveLength(2)
    expect(main.releaseUnlocked).toMatch(/^ProcessError: cannot release Lock-\d+: it is not locked$/)
    expect(main.releaseRLockTwice).toMatch(/^ProcessError: cannot release RLock-\d+: this process does not hold it/)
    expect(main.overRelease).toMatch(/^ProcessError: cannot release BoundedSemaphore-\d+: a BoundedSemaphore may not be released above its initial value 1$/)
    expect(main.badTimeout).toMatch(/^TypeError: Lock.acquire: timeout must be a non-negative number/)
  })
})

describe('Event, Condition, Barrier', () => {
  it('wakes event waiters in other processes, hands over with conditions, and passes barriers with one action', async () => {
    const run = await runSource(`
      import { Process, Event, Condition, Barrier, Queue, BrokenBarrierError, sleep } from 'proclab'
      export async function waiter(ev, out, ready) { await ready.put(1); const t = performance.now(); const ok = await ev.wait(); await out.put({ ok, waited: performance.now() - t }) }
      export async function consumer(cond, box) {
        await cond.acquire()
        const got = await cond.waitFor(async () => (await box.qsize()) > 0, 5000)
        const item = await box.get()
        await cond.release()
        console.log('RESULT ' + JSON.stringify({ consumerGot: item, predicate: got }))
      }
      export function onPass() { console.log('ACTION ran in pid ' + process.pid) }
      export async function party(barrier, out) { await out.put(await barrier.wait()) }
      export default async function main() {
        const ev = new Event(), out = new Queue(), ready = new Queue()
        const ws = [1, 2].map(() => new Process({ target: waiter, args: [ev, out, ready] }))
        for (const w of ws) await w.start()
        await ready.get(); await ready.get()
        await sleep(300)
        const before = await ev.isSet()
        await ev.set()
        const woken = [await out.get(), await out.get()]
        for (const w of ws) await w.join()

        const cond = new Condition(), box = new Queue()
        const c = new Process({ target: consumer, args: [cond, box] }); await c.start()
        await sleep(300)
        await cond.withLock(async () => { await box.put('parcel'); await cond.notify() })
        await c.join()

        const barrier = new Barrier(3, { action: onPass }), indexes = new Queue()
        const parties = [1, 2].map(() => new Process({ target: party, args: [barrier, indexes] }))
        for (const p of parties) await p.start()
        const mine = await barrier.wait()
        const all = [mine, await indexes.get(), await indexes.get()].sort()
        for (const p of parties) await p.join()
        const lonely = new Barrier(2)
        let broken = 'no error'
        try { await lonely.wait(100) } catch (e) { broken = (e instanceof BrokenBarrierError) + ' ' + e.message }
        console.log('RESULT ' + JSON.stringify({ before, woken, all, broken, isBroken: await lonely.broken }))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const main = results(run.lines('MainProcess')) as { before: boolean; woken: { ok: boolean; waited: number }[]; all: number[]; broken: string; isBroken: boolean }
    expect(main.before).toBe(false)
    for (const w of main.woken) {
      expect(w.ok).toBe(true)
      expect(w.waited).toBeGreaterThan(200)
    }
    expect(main.all).toEqual([0, 1, 2])
    expect(main.broken).toMatch(/^true Barrier-\d+ is broken$/)
    expect(main.isBroken).toBe(true)
    expect(results(run.lines('Process-3'))).toEqual({ consumerGot: 'parcel', predicate: true })
    const actions = run.events.filter((e) => (e.kind === 'stdout' || e.kind === 'stderr') && e.line.startsWith('ACTION ran'))
    expect(actions).toHaveLength(1)
  })
})
