// What ProcLab promises beyond Python, tested by killing processes at the worst moment.
import { describe, expect, it } from 'vitest'
import type { EventOf } from '../../src-shared/events'
import { runSource } from '../helpers/lab'
import { SELF_KILLED_EXIT } from '../helpers/platform'
import { results } from '../helpers/results'

describe('guarantees beyond Python', () => {
  it('releases a lock whose holder dies, reports it abandoned, and hands it to the next waiter', async () => {
    const run = await runSource(`
      import { Process, Lock, Queue, sleep } from 'proclab'
      export async function holdAndDie(lock, ready) { await lock.acquire(); await ready.put('held'); await sleep(200); process.kill(process.pid, 'SIGKILL') }
      export async function waitForIt(lock, out) { const t = performance.now(); const ok = await lock.acquire({ timeout: 20_000 }); await out.put({ ok, waited: performance.now() - t }); await lock.release() }
      export default async function main() {
        const lock = new Lock({ name: 'fragile' }), ready = new Queue(), out = new Queue()
        const holder = new Process({ target: holdAndDie, args: [lock, ready], name: 'holder' }); await holder.start()
        await ready.get()
        const waiter = new Process({ target: waitForIt, args: [lock, out], name: 'waiter' }); await waiter.start()
        const got = await out.get()
        await holder.join(); await waiter.join()
        console.log('RESULT ' + JSON.stringify({ got, holderExit: holder.exitCode, lockedAfter: await lock.locked() }))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const r = results(run.lines('MainProcess')) as { got: { ok: boolean }; holderExit: number; lockedAfter: boolean }
    expect(r).toMatchObject({ got: { ok: true }, holderExit: SELF_KILLED_EXIT, lockedAfter: false })
    const abandoned = run.events.filter((e): e is EventOf<'lock.abandoned'> => e.kind === 'lock.abandoned')
    expect(abandoned).toHaveLength(1)
    expect(abandoned[0]).toMatchObject({ lid: run.start('holder').lid, pid: run.start('holder').pid })
    // The waiter got it only after the holder was gone.
    const grant = run.events.find((e) => e.kind === 'lock.acquire' && e.lid === run.start('waiter').lid)!
    expect(grant.seq).toBeGreaterThan(abandoned[0]!.seq)
  })

  it('never loses an item whose put resolved, even when the producer is killed right after', async () => {
    const run = await runSource(`
      import { Process, Queue } from 'proclab'
      export async function produceThenDie(q, id, count) {
        for (let i = 0; i < count; i++) await q.put(id * 1000 + i)
        process.kill(process.pid, 'SIGKILL') // at once: no exit handler, no flush
      }
      export default async function main() {
        const q = new Queue()
        const ps = [1, 2, 3, 4].map((id) => new Process({ target: produceThenDie, args: [q, id, 25 * id] }))
        for (const p of ps) await p.start()
        for (const p of ps) await p.join()
        const got = []
        for (;;) { try { got.push(await q.get({ timeout: 500 })) } catch { break } }
        console.log('RESULT ' + JSON.stringify({ got: got.sort((a, b) => a - b), exits: ps.map((p) => p.exitCode) }))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const r = results(run.lines('MainProcess')) as { got: number[]; exits: number[] }
    expect(r.exits).toEqual(Array(4).fill(SELF_KILLED_EXIT))
    const expected = [1, 2, 3, 4].flatMap((id) => Array.from({ length: 25 * id }, (_, i) => id * 1000 + i)).sort((a, b) => a - b)
    expect(r.got).toEqual(expected)
  })

  it('puts back the items a killed consumer had leased, so every item is consumed exactly once', async () => {
    const run = await runSource(`
      import { Process, Queue } from 'proclab'
      export async function consumeThenDie(q, report, howMany) {
        for (let i = 0; i < howMany; i++) await report.put(await q.get())
        process.kill(process.pid, 'SIGKILL') // dies holding a lease of unconsumed items
      }
      export async function consumeRest(q, report) { for (;;) { let item; try { item = await q.get({ timeout: 300 }) } catch { return } await report.put(item) } }
      export default async function main() {
        const q = new Queue(), report = new Queue()
        for (let i = 0; i < 300; i++) await q.put(i)
        const first = new Process({ target: consumeThenDie, args: [q, report, 40] }); await first.start(); await first.join()
        const leftAfterDeath = await q.qsize()
        const second = new Process({ target: consumeRest, args: [q, report] }); await second.start(); await second.join()
        const got = []
        for (;;) { try { got.push(await report.get({ timeout: 200 })) } catch { break } }
        console.log('RESULT ' + JSON.stringify({ got: got.sort((a, b) => a - b), leftAfterDeath, firstExit: first.exitCode }))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const r = results(run.lines('MainProcess')) as { got: number[]; leftAfterDeath: number; firstExit: number }
    expect(r.firstExit).toBe(SELF_KILLED_EXIT)
    expect(r.leftAfterDeath).toBe(260)
    expect(r.got).toEqual(Array.from({ length: 300 }, (_, i) => i))
  })

  it('puts items given back from leases where they were in the order of puts: never behind an item put after them', async () => {
    // Two readers each hold a lease; the first gives back 'x', then the second gives back 'stop',
    // put after 'x'. A stop sign that came back to the front would overtake 'x' (seen as a bun never
    // eaten in producer-consumer-sentinel on a loaded machine).
    const run = await runSource(`
      import { Event, Process, Queue } from 'proclab'
      export async function leaseThenGiveBack(q, out, go) {
        await out.put(await q.get()) // one item; the next read asks for two
        await out.put(await q.get()) // two items: the second stays leased here
        await out.put('leased')
        await go.wait()
        q.close() // gives the leased item back, before the put below reaches the broker
        await out.put('given back')
      }
      async function expectFrom(out, expected) {
        for (const item of expected) { const got = await out.get(); if (got !== item) throw new Error('expected ' + item + ', got ' + got) }
      }
      export default async function main() {
        // Leases are the broker path's (the ring has none: a get takes one item).
        const q = new Queue(0, { sharedMemory: false }), out = new Queue()
        const goFirst = new Event(), goSecond = new Event()
        for (const item of ['a1', 'a2', 'x']) await q.put(item)
        await q.qsize() // the broker has the three items before the reader starts
        const first = new Process({ target: leaseThenGiveBack, args: [q, out, goFirst] })
        await first.start()
        await expectFrom(out, ['a1', 'a2', 'leased'])
        for (const item of ['b1', 'b2', 'stop']) await q.put(item)
        await q.qsize()
        const second = new Process({ target: leaseThenGiveBack, args: [q, out, goSecond] })
        await second.start()
        await expectFrom(out, ['b1', 'b2', 'leased'])
        await goFirst.set()
        await expectFrom(out, ['given back'])
        await goSecond.set()
        await expectFrom(out, ['given back'])
        const rest = [await q.get(), await q.get()]
        await first.join()
        await second.join()
        console.log('RESULT ' + JSON.stringify({ rest, left: await q.qsize() }))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    expect(results(run.lines('MainProcess'))).toEqual({ rest: ['x', 'stop'], left: 0 })
  })

  // Seen failing once in ~20 full runs (Node 24, loaded machine): qsize() was 2 after every consumer
  // had its sentinel. Two causes were found: a merged acknowledgement overtaking the `return` it
  // followed (fixed in wire.ts, tests/unit/lab-wire.test.ts), and items given back from a lease going
  // to the front, ahead of sentinels given back from another lease before them (fixed in
  // item-channel.ts, the test above; traced on a loaded machine in producer-consumer-sentinel).
  it('delivers every item exactly once to several consumers reading in bursts (leases recalled while reads cross them)', async () => {
    const run = await runSource(`
      import { Process, Queue, sleep } from 'proclab'
      export async function consume(q, out) {
        const got = []
        for (let item = await q.get(); item !== null; item = await q.get()) { got.push(item); if (item % 13 === 0) await sleep(1) }
        await out.put(got)
      }
      export default async function main() {
        const q = new Queue(), out = new Queue()
        const cs = [1, 2, 3].map(() => new Process({ target: consume, args: [q, out] }))
        for (const c of cs) await c.start()
        for (let i = 0; i < 3000; i++) { await q.put(i); if (i % 7 === 0) await sleep(i % 2) }
        for (const _ of cs) await q.put(null)
        const all = []
        for (const _ of cs) all.push(...(await out.get()))
        for (const c of cs) await c.join()
        console.log('RESULT ' + JSON.stringify({ all: all.sort((a, b) => a - b), left: await q.qsize() }))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const r = results(run.lines('MainProcess')) as { all: number[]; left: number }
    expect(r.left).toBe(0)
    expect(r.all).toEqual(Array.from({ length: 3000 }, (_, i) => i))
  })

  it('gives the reader EOF when the last holder of the write end dies without closing it', async () => {
    const run = await runSource(`
      import { Process, Pipe, EOFError } from 'proclab'
      export async function writeThenDie(tx) { for (let i = 0; i < 10; i++) await tx.send(i); process.kill(process.pid, 'SIGKILL') }
      export default async function main() {
        const [rx, tx] = Pipe({ duplex: false })
        const w = new Process({ target: writeThenDie, args: [tx] }); await w.start()
        await tx.close()
        const got = []
        let eof = false
        for (;;) { try { got.push(await rx.recv()) } catch (e) { eof = e instanceof EOFError; break } }
        await w.join()
        console.log('RESULT ' + JSON.stringify({ got, eof, exit: w.exitCode }))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    expect(results(run.lines('MainProcess'))).toEqual({ got: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], eof: true, exit: SELF_KILLED_EXIT })
  })
})
