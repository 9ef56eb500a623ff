// Queue on shared memory (issue 15): many producers and consumers, no message per item, Full and
// timeouts through the ring, a killed consumer, a ring repaired after a death in the middle of a
// put or get, and no segment left behind. The guarantees of lab-queues and lab-guarantees hold too.
import { existsSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import type { EventOf } from '../../src-shared/events'
import { ItemQueueMemory, QUEUE_WORDS } from '../../src-main/lab/shm/item-queue'
import { sharedMemory } from '../../src-main/platform/shared-memory'
import { runSource } from '../helpers/lab'
import { linuxOnly, needs } from '../helpers/platform'
import { results } from '../helpers/results'

const hasSharedMemory = needs(sharedMemory() !== null, 'shared memory (the ring); elsewhere the broker path is what lab-queues tests')

describe('Queue on shared memory, across processes', hasSharedMemory, () => {
  it('4 producers × 4 consumers: every item exactly once, the checksum exact', async () => {
    const run = await runSource(`
      import { Process, Queue } from 'proclab'
      export async function produce(q, id, n) { for (let i = 0; i < n; i++) await q.put({ id, i, v: id * 1_000_000 + i }) }
      export async function consume(q, out) {
        const got = []
        for (let item = await q.get(); item !== null; item = await q.get()) got.push(item.v)
        await out.put(got)
      }
      export default async function main() {
        const q = new Queue(), out = new Queue()
        const cs = [1, 2, 3, 4].map(() => new Process({ target: consume, args: [q, out] }))
        const ps = [1, 2, 3, 4].map((id) => new Process({ target: produce, args: [q, id, 5000] }))
        for (const p of [...cs, ...ps]) await p.start()
        for (const p of ps) await p.join()
        for (const _ of cs) await q.put(null)
        const all = []
        for (const _ of cs) all.push(...(await out.get()))
        for (const c of cs) await c.join()
        let sum = 0
        for (const v of all) sum += v
        const ordered = [1, 2, 3, 4].every((id) => { const mine = all.filter((v) => Math.floor(v / 1e6) === id); return mine.length === 5000 })
        console.log('RESULT ' + JSON.stringify({ count: all.length, distinct: new Set(all).size, sum, ordered, left: await q.qsize() }))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const r = results(run.lines('MainProcess')) as Record<string, unknown>
    let sum = 0
    for (let id = 1; id <= 4; id++) for (let i = 0; i < 5000; i++) sum += id * 1_000_000 + i
    expect(r).toEqual({ count: 20_000, distinct: 20_000, sum, ordered: true, left: 0 })
    // Telemetry: every put and get counted, summarised or not.
    const counted = (kind: string) => run.events.filter((e) => e.kind === kind).reduce((n, e) => n + ((e as { count?: number }).count ?? 1), 0)
    expect(counted('queue.put')).toBeGreaterThanOrEqual(20_004)
  })

  it('moves 10,000 items between two processes without a message per item (write system calls counted)', linuxOnly('counts write system calls in /proc/self/io'), async () => {
    const run = await runSource(`
      import { readFileSync } from 'node:fs'
      import { Process, Queue } from 'proclab'
      const writes = () => Number(/syscw: (\\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))[1])
      export async function produce(q, go, out, n) {
        await go.get()
        const before = writes()
        for (let i = 0; i < n; i++) await q.put({ i })
        await out.put({ producerWrites: writes() - before })
      }
      export async function consume(q, go, out, n) {
        await go.get()
        const before = writes()
        let sum = 0
        for (let i = 0; i < n; i++) sum += (await q.get()).i
        await out.put({ consumerWrites: writes() - before, sum })
      }
      export default async function main() {
        const q = new Queue(), go = new Queue(), out = new Queue()
        const ps = [new Process({ target: produce, args: [q, go, out, 10_000] }), new Process({ target: consume, args: [q, go, out, 10_000] })]
        for (const p of ps) await p.start()
        await go.put(1); await go.put(1)
        const r = { ...(await out.get()), ...(await out.get()) }
        for (const p of ps) await p.join()
        console.log('RESULT ' + JSON.stringify(r))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const r = results(run.lines('MainProcess')) as { producerWrites: number; consumerWrites: number; sum: number }
    expect(r.sum).toBe((9999 * 10_000) / 2)
    // Through the broker each put is a write; on the ring the writes are telemetry batches (one per
    // turn of the event loop at most, one before a wake at most every 10 ms) and the final report.
    expect(r.producerWrites).toBeLessThan(500)
    expect(r.consumerWrites).toBeLessThan(500)
  })

  it('a bounded queue refuses with Full and times out through the ring; a blocked put and get go on when the other side acts', async () => {
    const run = await runSource(`
      import { Process, Queue, sleep } from 'proclab'
      async function outcome(fn) { const t = performance.now(); try { const v = await fn(); return ['ok', v, Math.round(performance.now() - t)] } catch (e) { return [e.constructor.name, e.message, Math.round(performance.now() - t)] } }
      export async function later(q, what, delay) { await sleep(delay); if (what === 'get') await q.get(); else await q.put('late') }
      export default async function main() {
        const q = new Queue(2)
        const r = {}
        await q.put('a'); await q.putNowait('b')
        r.full = await outcome(() => q.putNowait('c'))
        r.timedFull = await outcome(() => q.put('c', { timeout: 80 }))
        r.sizes = [await q.qsize(), await q.full(), await q.empty()]
        const helper = new Process({ target: later, args: [q, 'get', 150] }); await helper.start()
        r.blockedPut = await outcome(() => q.put('c', { timeout: 20_000 }))
        await helper.join()
        r.items = [await q.get(), await q.get()]
        r.empty = await outcome(() => q.getNowait())
        r.timedEmpty = await outcome(() => q.get({ timeout: 80 }))
        const putter = new Process({ target: later, args: [q, 'put', 150] }); await putter.start()
        r.blockedGet = await outcome(() => q.get({ timeout: 20_000 }))
        await putter.join()
        console.log('RESULT ' + JSON.stringify(r))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const r = results(run.lines('MainProcess')) as Record<string, [string, unknown, number]>
    expect(r.full!.slice(0, 2)).toEqual(['Full', expect.stringMatching(/^Queue-\d+ is full \(maxsize 2\)$/)])
    expect(r.timedFull!.slice(0, 2)).toEqual(['Full', expect.stringMatching(/^Queue-\d+ stayed full for 80 ms \(maxsize 2\)$/)])
    expect(r.timedFull![2]).toBeGreaterThanOrEqual(75)
    expect(r.sizes).toEqual([2, true, false])
    expect(r.blockedPut![0]).toBe('ok')
    expect(r.items).toEqual(['b', 'c'])
    expect(r.empty!.slice(0, 2)).toEqual(['Empty', expect.stringMatching(/^Queue-\d+ is empty$/)])
    expect(r.timedEmpty!.slice(0, 2)).toEqual(['Empty', expect.stringMatching(/^Queue-\d+ stayed empty for 80 ms$/)])
    expect(r.timedEmpty![2]).toBeGreaterThanOrEqual(75)
    expect(r.blockedGet!.slice(0, 2)).toEqual(['ok', 'late'])
    expect(run.events.filter((e) => e.kind === 'queue.full')).toHaveLength(2)
    expect(run.events.filter((e) => e.kind === 'queue.empty')).toHaveLength(2)
  })

  it('keeps order when the ring is full (puts wait for room) and for items too big for it (kept by the broker)', async () => {
    const run = await runSource(`
      import { Process, Queue, sleep } from 'proclab'
      export async function produce(q) {
        for (let i = 0; i < 60; i++) await q.put({ i, pad: 'x'.repeat(60_000) })
        await q.put(Buffer.alloc(3 * 1024 * 1024, 7))
        await q.put({ i: 60 })
      }
      export default async function main() {
        const q = new Queue()
        const p = new Process({ target: produce, args: [q] }); await p.start()
        await sleep(300) // the producer fills the 1 MiB ring and waits
        const order = []
        for (let i = 0; i < 60; i++) order.push((await q.get()).i)
        const big = await q.get()
        const last = await q.get()
        await p.join()
        console.log('RESULT ' + JSON.stringify({ inOrder: order.every((v, i) => v === i), big: [Buffer.isBuffer(big), big.length, big[12345]], last: last.i, left: await q.qsize() }))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    expect(results(run.lines('MainProcess'))).toEqual({ inOrder: true, big: [true, 3 * 1024 * 1024, 7], last: 60, left: 0 })
  })

  it('a consumer killed while items are queued loses none of the others', async () => {
    const run = await runSource(`
      import { Process, Queue, sleep } from 'proclab'
      export async function consumeSlowly(q, report) { for (;;) { const item = await q.get(); await report.put(item); await sleep(2) } }
      export async function drain(q, report) { for (;;) { let item; try { item = await q.get({ timeout: 300 }) } catch { return } await report.put(item) } }
      export default async function main() {
        const q = new Queue(0, { name: 'work' }), report = new Queue()
        for (let i = 0; i < 300; i++) await q.put(i)
        const victim = new Process({ target: consumeSlowly, args: [q, report] }); await victim.start()
        while ((await report.qsize()) < 20) await sleep(5)
        victim.kill('SIGKILL'); await victim.join()
        const leftAfterKill = await q.qsize()
        const rest = new Process({ target: drain, args: [q, report] }); await rest.start(); await rest.join()
        const got = []
        for (;;) { try { got.push(await report.get({ timeout: 200 })) } catch { break } }
        console.log('RESULT ' + JSON.stringify({ got, leftAfterKill }))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const r = results(run.lines('MainProcess')) as { got: number[]; leftAfterKill: number }
    // Each item at most once; at most the one the victim had taken and not reported yet is missing.
    expect(new Set(r.got).size).toBe(r.got.length)
    const missing = Array.from({ length: 300 }, (_, i) => i).filter((i) => !r.got.includes(i))
    expect(missing.length).toBeLessThanOrEqual(1)
    expect(r.got.length + r.leftAfterKill - missing.length).toBeGreaterThanOrEqual(300 - 1)
    // Telemetry: every get counted, the victim's last ones (never reported: it was killed) from its slot in the segment.
    const work = run.events.find((e): e is EventOf<'object.create'> => e.kind === 'object.create' && e.name === 'work')!
    const counted = (kind: string) => run.events.filter((e) => e.kind === kind && (e as { object?: string }).object === work.object).reduce((n, e) => n + ((e as { count?: number }).count ?? 1), 0)
    expect(counted('queue.put')).toBe(300)
    expect(counted('queue.get')).toBe(300)
  })

  it('unlinks every queue segment when the run ends', linuxOnly('segments show in /dev/shm'), async () => {
    const run = await runSource(`
      import { existsSync } from 'node:fs'
      import { JoinableQueue, Process, Queue, SimpleQueue } from 'proclab'
      export async function child(q) { const mine = new Queue(3); await mine.put(1); await q.put(mine.address.name) }
      export default async function main() {
        const qs = [new Queue(), new Queue(5), new JoinableQueue(), new SimpleQueue()]
        await qs[0].put('left in the queue')
        const p = new Process({ target: child, args: [qs[0]] }); await p.start(); await p.join()
        await qs[0].get()
        const names = [...qs.map((q) => q.address.name), await qs[0].get()]
        console.log('RESULT ' + JSON.stringify({ names, during: names.map((n) => existsSync('/dev/shm/' + n)) }))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const r = results(run.lines('MainProcess')) as { names: string[]; during: boolean[] }
    expect(r.during).toEqual([true, true, true, true, true])
    expect(r.names.filter((name) => existsSync(`/dev/shm/${name}`))).toEqual([])
  })
})

describe('the ring after a death in the middle of a put or get', hasSharedMemory, () => {
  const memories: ItemQueueMemory[] = []
  afterEach(() => {
    for (const memory of memories.splice(0)) {
      memory.segment.unlink()
      memory.segment.close()
    }
  })
  const DEAD = 4_000_000

  function ringWith(items: string[]): ItemQueueMemory {
    const memory = ItemQueueMemory.create(0, 4096)
    memories.push(memory)
    for (const item of items) memory.put(Buffer.from(item), false, false)
    return memory
  }

  it('a put that published its tail but not its count is kept', () => {
    const memory = ringWith(['a', 'b'])
    memory.lock.acquire(DEAD)
    memory.put(Buffer.from('c'), false, false)
    Atomics.sub(memory.segment.words, QUEUE_WORDS.puts, 1) // died before the count
    expect(memory.depth()).toBe(2)
    expect(memory.repairAfterDeath()).toMatch(/counted 3 items where the counters said 2/)
    expect(memory.sweep(DEAD)).toBe(true)
    expect(memory.depth()).toBe(3)
    const got = [0, 1, 2].map(() => Buffer.from((memory.get(false, false).taken as { bytes: Uint8Array }).bytes).toString())
    expect(got).toEqual(['a', 'b', 'c'])
  })

  it('a put that died before its tail leaves nothing half there', () => {
    const memory = ringWith(['a'])
    memory.lock.acquire(DEAD)
    const tail = memory.segment.words[QUEUE_WORDS.tail]!
    memory.put(Buffer.from('half'), false, false)
    Atomics.store(memory.segment.words, QUEUE_WORDS.tail, tail) // died after the bytes, before the tail
    Atomics.sub(memory.segment.words, QUEUE_WORDS.puts, 1)
    expect(memory.repairAfterDeath()).toBeNull()
    memory.sweep(DEAD)
    expect(memory.depth()).toBe(1)
    expect(Buffer.from((memory.get(false, false).taken as { bytes: Uint8Array }).bytes).toString()).toBe('a')
    expect(memory.get(false, false).taken).toBeNull()
  })

  it('a get that moved the head but not its count is finished', () => {
    const memory = ringWith(['a', 'b'])
    memory.lock.acquire(DEAD)
    memory.get(false, false)
    Atomics.sub(memory.segment.words, QUEUE_WORDS.gets, 1) // died before the count
    expect(memory.depth()).toBe(2)
    expect(memory.repairAfterDeath()).toMatch(/counted 1 items where the counters said 2/)
    memory.sweep(DEAD)
    expect(memory.depth()).toBe(1)
    expect(Buffer.from((memory.get(false, false).taken as { bytes: Uint8Array }).bytes).toString()).toBe('b')
  })
})
