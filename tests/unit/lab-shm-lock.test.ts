// The public Lock on the shared-memory word (issue 15): exact counts across processes, no message
// for an uncontended acquire/release, a holder killed while holding in place, the segment unlinked
// at the end of the run, a Condition over a Lock, and the sockets fallback.
import { existsSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import type { EventOf, LabEvent } from '../../src-shared/events'
import { runSource } from '../helpers/lab'
import { linuxOnly, SELF_KILLED_EXIT } from '../helpers/platform'
import { results } from '../helpers/results'

/** The lock's events in stream order: acquires and releases alternate, requests are served in order. */
function expectFifoAndExclusive(events: LabEvent[], object: string): void {
  const mine = events.filter((e) => e.kind.startsWith('lock.') && (e as { object?: string }).object === object)
  let holder: string | null = null
  const waiting: string[] = []
  for (const event of mine) {
    if (event.kind === 'lock.request') waiting.push(event.lid)
    if (event.kind === 'lock.acquire') {
      expect(holder, 'acquired while held').toBeNull()
      expect(event.lid, 'served out of arrival order').toBe(waiting.shift())
      holder = event.lid
    }
    if (event.kind === 'lock.release') {
      expect(event.lid, 'released by someone who did not hold it').toBe(holder)
      holder = null
    }
  }
  expect(holder).toBeNull()
}

function objectNamed(events: LabEvent[], name: string): string {
  const created = events.find((e): e is EventOf<'object.create'> => e.kind === 'object.create' && e.name === name)
  expect(created, `object ${name} created`).toBeDefined()
  return created!.object
}

const COUNTER = `
  import { Process, Lock, Queue } from 'proclab'
  import { readFileSync, writeFileSync } from 'node:fs'
  // A counter in a file: read, yield, write. Without the lock the processes overwrite each other.
  export async function add(lock, file, times, done) {
    for (let i = 0; i < times; i++) {
      await lock.acquire()
      const n = Number(readFileSync(file, 'utf8'))
      await new Promise((resolve) => setImmediate(resolve))
      writeFileSync(file, String(n + 1))
      await lock.release()
    }
    await done.put(times)
  }
  export default async function main() {
    const file = process.argv[2] ?? (await import('node:path')).join((await import('node:os')).tmpdir(), 'proclab-shm-counter-' + process.pid)
    writeFileSync(file, '0')
    const lock = new Lock({ name: 'counter-lock' }), done = new Queue()
    const ps = [0, 1, 2, 3].map(() => new Process({ target: add, args: [lock, file, 300, done] }))
    for (const p of ps) await p.start()
    for (const _ of ps) await done.get()
    for (const p of ps) await p.join()
    console.log('RESULT ' + JSON.stringify({ count: Number(readFileSync(file, 'utf8')), received: await lock.call('stats.received'), segment: lock.shm?.name ?? null }))
  }
`

describe('the public Lock on shared memory', () => {
  afterEach(() => {
    delete process.env.PROCLAB_SHARED_MEMORY
  })

  it('keeps a counter exact with 4 processes × 300 increments, serves waiters in order, and unlinks its segment', async () => {
    const run = await runSource(COUNTER)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const r = results(run.lines('MainProcess')) as { count: number; received: Record<string, number>; segment: string | null }
    expect(r.count).toBe(1200)
    const object = objectNamed(run.events, 'counter-lock')
    const acquires = run.events.filter((e) => e.kind === 'lock.acquire' && e.object === object)
    const releases = run.events.filter((e) => e.kind === 'lock.release' && e.object === object)
    expect(acquires).toHaveLength(1200)
    expect(releases).toHaveLength(1200)
    expectFifoAndExclusive(run.events, object)
    // It was on the shared-memory path (how many acquires went to the broker depends on the
    // scheduling: under a convoy every hold is handed over there, FIFO).
    expect(r.segment).toMatch(/^proclab-/)
    if (existsSync('/dev/shm')) expect(existsSync(`/dev/shm/${r.segment}`), 'segment left in /dev/shm').toBe(false)
  }, 120_000)

  it('the brokered fallback (PROCLAB_SHARED_MEMORY=off) keeps the same counter exact, one message per operation', async () => {
    process.env.PROCLAB_SHARED_MEMORY = 'off'
    const run = await runSource(COUNTER)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const r = results(run.lines('MainProcess')) as { count: number; received: Record<string, number>; segment: string | null }
    expect(r.count).toBe(1200)
    expect(r.segment).toBeNull()
    expect(r.received.acquire).toBe(1200)
    expectFifoAndExclusive(run.events, objectNamed(run.events, 'counter-lock'))
  }, 120_000)

  it('sends no message for an uncontended acquire/release, and reports every hold (events or exact counts)', async () => {
    const run = await runSource(`
      import { Lock, sleep } from 'proclab'
      export default async function main() {
        const lock = new Lock({ name: 'alone' })
        await sleep(50)
        const before = await lock.call('stats.received')
        for (let i = 0; i < 1000; i++) { await lock.acquire(); await lock.release() }
        await sleep(50)
        const after = await lock.call('stats.received')
        // Past what a tick may hold (4096 events), holds are counted, not reported one by one.
        for (let i = 0; i < 5000; i++) { await lock.acquire(); await lock.release() }
        await sleep(50)
        console.log('RESULT ' + JSON.stringify({ before, after, locked: await lock.locked() }))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const r = results(run.lines('MainProcess')) as { before: Record<string, number>; after: Record<string, number>; locked: boolean }
    expect(r.locked).toBe(false)
    // 1000 acquires and 1000 releases: not one acquire or release message; the events went in trace batches.
    expect(r.after.acquire ?? 0).toBe(0)
    expect(r.after.release ?? 0).toBe(0)
    expect((r.after.trace ?? 0) - (r.before.trace ?? 0)).toBeLessThanOrEqual(2)
    const object = objectNamed(run.events, 'alone')
    const of = (kind: string) => run.events.filter((e) => e.kind === kind && (e as { object?: string }).object === object)
    const summaries = of('lock.summary') as EventOf<'lock.summary'>[]
    const summarised = summaries.reduce((sum, s) => sum + s.acquires, 0)
    expect(summarised).toBeGreaterThan(0)
    expect(of('lock.acquire').length + summarised).toBe(6000)
    expect(of('lock.release').length + summaries.reduce((sum, s) => sum + s.releases, 0)).toBe(6000)
    expectFifoAndExclusive(run.events, object)
  }, 60_000)

  it('frees a lock whose holder is killed while holding it in place, reports it abandoned, and hands it to the waiter', async () => {
    const run = await runSource(`
      import { Process, Lock, Queue, sleep } from 'proclab'
      export async function holdAndDie(lock, ready) {
        await lock.acquire()
        await ready.put(await lock.call('stats.received'))
        await sleep(300)
        process.kill(process.pid, 'SIGKILL')
      }
      export async function waitForIt(lock, out) { const ok = await lock.acquire({ timeout: 20_000 }); await out.put(ok); await lock.release() }
      export default async function main() {
        const lock = new Lock({ name: 'fragile' }), ready = new Queue(), out = new Queue()
        const holder = new Process({ target: holdAndDie, args: [lock, ready], name: 'holder' }); await holder.start()
        const whenHeld = await ready.get()
        const waiter = new Process({ target: waitForIt, args: [lock, out], name: 'waiter' }); await waiter.start()
        const got = await out.get()
        await holder.join(); await waiter.join()
        console.log('RESULT ' + JSON.stringify({ whenHeld, got, holderExit: holder.exitCode, lockedAfter: await lock.locked() }))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const r = results(run.lines('MainProcess')) as { whenHeld: Record<string, number>; got: boolean; holderExit: number; lockedAfter: boolean }
    // The holder took it in place: no acquire message had reached the broker.
    expect(r.whenHeld.acquire ?? 0).toBe(0)
    expect(r).toMatchObject({ got: true, holderExit: SELF_KILLED_EXIT, lockedAfter: false })
    const abandoned = run.events.filter((e): e is EventOf<'lock.abandoned'> => e.kind === 'lock.abandoned')
    expect(abandoned).toHaveLength(1)
    expect(abandoned[0]).toMatchObject({ lid: run.start('holder').lid, pid: run.start('holder').pid })
    expect(abandoned[0]!.heldUs).toBeGreaterThan(200_000)
    const grant = run.events.find((e) => e.kind === 'lock.acquire' && e.lid === run.start('waiter').lid)!
    expect(grant.seq).toBeGreaterThan(abandoned[0]!.seq)
  }, 60_000)

  it('works under a Condition (the Lock then goes through the broker)', async () => {
    const run = await runSource(`
      import { Process, Lock, Condition, Queue, sleep } from 'proclab'
      export async function consumer(cond, box, out) {
        await cond.acquire()
        const ok = await cond.waitFor(async () => (await box.qsize()) > 0, 10_000)
        await out.put({ ok, item: await box.get() })
        await cond.release()
      }
      export default async function main() {
        const lock = new Lock({ name: 'under-condition' })
        await lock.acquire(); await lock.release()   // in place, before the Condition exists
        const cond = new Condition(lock), box = new Queue(), out = new Queue()
        const c = new Process({ target: consumer, args: [cond, box, out] }); await c.start()
        await sleep(200)
        await cond.withLock(async () => { await box.put('parcel'); await cond.notify() })
        const got = await out.get()
        await c.join()
        console.log('RESULT ' + JSON.stringify({ got, locked: await lock.locked() }))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    expect(results(run.lines('MainProcess'))).toEqual({ got: { ok: true, item: 'parcel' }, locked: false })
    expectFifoAndExclusive(run.events, objectNamed(run.events, 'under-condition'))
  }, 60_000)

  it('leaves nothing in /dev/shm after the run', { ...linuxOnly('/dev/shm is where Linux shows named segments'), timeout: 60_000 }, async () => {
    const run = await runSource(`
      import { Lock } from 'proclab'
      import { existsSync } from 'node:fs'
      export default async function main() {
        const names = []
        for (let i = 0; i < 3; i++) { const lock = new Lock(); await lock.acquire(); await lock.release(); names.push(lock.shm.name) }
        console.log('RESULT ' + JSON.stringify({ names, during: names.map((n) => existsSync('/dev/shm/' + n)) }))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const r = results(run.lines('MainProcess')) as { names: string[]; during: boolean[] }
    expect(r.during).toEqual([true, true, true])
    for (const name of r.names) expect(existsSync(`/dev/shm/${name}`), `${name} left behind`).toBe(false)
  })
})
