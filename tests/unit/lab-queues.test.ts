// Queues and pipes across real processes: Python's semantics (Full, Empty, EOF, taskDone), the
// values that cross, and the counts the broker keeps.
import { describe, expect, it } from 'vitest'
import { runSource } from '../helpers/lab'
import { windowsBug } from '../helpers/platform'
import { results } from '../helpers/results'

describe('Queue', () => {
  // The broker acts on a child's death when its connection closes; the parent's join() waits for the exit its
  // own child handle reports. Under Wine the close comes after the parent's next call at times: the next get
  // found the dead consumer's 7 leased items not yet put back (127 instead of 120).
  const lateGiveBack = windowsBug("join() may return before the broker saw the child's connection close, which is when it puts back the child's lease or permits (under Wine 2 of 5 full runs: lab-queues once, lab-sync once)")
  it('raises Full and Empty exactly where Python does, honours timeouts, and counts exactly', lateGiveBack, async () => {
    const run = await runSource(`
      import { Process, Queue, JoinableQueue, SimpleQueue, Full, Empty, sleep } from 'proclab'
      async function outcome(fn) { const t = performance.now(); try { await fn(); return ['ok', performance.now() - t] } catch (e) { return [e.constructor.name + ': ' + e.message, performance.now() - t] } }
      export async function drain(q, n, out) { const got = []; for (let i = 0; i < n; i++) got.push(await q.get()); await out.put(got) }
      export async function worker(jq) { for (;;) { const item = await jq.get(); if (item === null) { await jq.taskDone(); return } await sleep(20); await jq.taskDone() } }
      export default async function main() {
        const q = new Queue(2)
        const r = {}
        r.put1 = await outcome(() => q.putNowait('a'))
        r.put2 = await outcome(() => q.put('b', { timeout: 0 }))
        r.putFull = await outcome(() => q.putNowait('c'))
        r.putTimeout = await outcome(() => q.put('c', { timeout: 120 }))
        r.sizes = [await q.qsize(), await q.full(), await q.empty()]
        r.get1 = await q.get()
        r.get2 = await q.getNowait()
        r.getEmpty = await outcome(() => q.getNowait())
        r.getTimeout = await outcome(() => q.get({ timeout: 120 }))
        // A blocked put proceeds as soon as a consumer makes room.
        await q.put(1); await q.put(2)
        const blocked = q.put(3)
        const out = new Queue()
        const c = new Process({ target: drain, args: [q, 3, out] }); await c.start()
        await blocked
        r.drained = await out.get()
        await c.join()
        // Many items, one consumer: exact counts while items sit leased in another process.
        const big = new Queue()
        for (let i = 0; i < 500; i++) await big.put({ i, tags: new Set(['x']), when: new Date(0), bytes: Buffer.from([i % 256]) })
        const c2 = new Process({ target: drain, args: [big, 120, out] }); await c2.start()
        const got = await out.get()
        r.afterPartialDrain = await big.qsize()
        r.firstItem = { i: got[0].i, set: got[0].tags instanceof Set, date: got[0].when instanceof Date, bytes: got[0].bytes instanceof Uint8Array }
        r.order = got.every((item, index) => item.i === index)
        await c2.join()
        r.left = await big.qsize()
        r.next = (await big.get()).i
        // JoinableQueue: join() waits for every taskDone(); one too many is an error.
        const jq = new JoinableQueue()
        const ws = [1, 2].map(() => new Process({ target: worker, args: [jq] }))
        for (const w of ws) await w.start()
        for (let i = 0; i < 10; i++) await jq.put(i)
        await jq.put(null); await jq.put(null)
        await jq.join()
        r.joined = await jq.qsize()
        r.tooMany = await outcome(() => jq.taskDone())
        for (const w of ws) await w.join()
        const sq = new SimpleQueue(); await sq.put('s'); r.simple = [await sq.empty(), await sq.get(), await sq.empty()]
        q.close()
        r.closed = await outcome(() => q.put(1))
        r.unclonable = await outcome(() => big.put({ f() {} }))
        r.stillWorks = await outcome(() => big.put('fine'))
        console.log('RESULT ' + JSON.stringify(r))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const r = results(run.lines('MainProcess')) as Record<string, [string, number] | unknown>
    const [put1, put2, putFull, putTimeout, getEmpty, getTimeout] = [r.put1, r.put2, r.putFull, r.putTimeout, r.getEmpty, r.getTimeout] as [string, number][]
    expect(put1![0]).toBe('ok')
    expect(put2![0]).toBe('ok')
    expect(putFull![0]).toMatch(/^Full: Queue-\d+ is full \(maxsize 2\)$/)
    expect(putTimeout![0]).toMatch(/^Full: Queue-\d+ stayed full for 120 ms/)
    expect(putTimeout![1]).toBeGreaterThanOrEqual(115)
    expect(r.sizes).toEqual([2, true, false])
    expect([r.get1, r.get2]).toEqual(['a', 'b'])
    expect(getEmpty![0]).toMatch(/^Empty: Queue-\d+ is empty$/)
    expect(getTimeout![0]).toMatch(/^Empty: Queue-\d+ stayed empty for 120 ms$/)
    expect(getTimeout![1]).toBeGreaterThanOrEqual(115)
    expect(r.drained).toEqual([1, 2, 3])
    expect(r.afterPartialDrain).toBe(380)
    expect(r.firstItem).toEqual({ i: 0, set: true, date: true, bytes: true })
    expect(r.order).toBe(true)
    expect(r.left).toBe(380)
    expect(r.next).toBe(120)
    expect(r.joined).toBe(0)
    expect((r.tooMany as [string])[0]).toMatch(/^ProcessError: taskDone\(\) called more times than items were put/)
    expect(r.simple).toEqual([false, 's', true])
    expect((r.closed as [string])[0]).toMatch(/^ProcessError: cannot put: this queue was closed/)
    expect((r.unclonable as [string])[0]).toMatch(/^TypeError: this value cannot be sent to another process/)
    expect((r.stillWorks as [string])[0]).toBe('ok')
    // Telemetry: the depth after each put and get, and the refusals.
    const fulls = run.events.filter((e) => e.kind === 'queue.full')
    const empties = run.events.filter((e) => e.kind === 'queue.empty')
    expect(fulls).toHaveLength(2)
    expect(empties).toHaveLength(2)
  })
})

describe('Pipe', () => {
  it('delivers in order, reaches EOF only when every holder of the other end closed it, and enforces directions', async () => {
    const run = await runSource(`
      import { Process, Pipe, EOFError, ProcessError, sleep } from 'proclab'
      export async function writer(conn, n) { for (let i = 0; i < n; i++) await conn.send({ i }); await conn.sendBytes(Buffer.from('raw bytes')); await conn.close() }
      export async function echo(conn) { for (;;) { const m = await conn.recv(); if (m === 'stop') break; await conn.send(m * 2) } }
      async function outcome(fn) { try { return ['ok', await fn()] } catch (e) { return [e.constructor.name + ': ' + e.message] } }
      export default async function main() {
        const r = {}
        const [rx, tx] = Pipe({ duplex: false })
        const w = new Process({ target: writer, args: [tx, 200] }); await w.start()
        r.beforeClose = await rx.poll(20_000) // true as soon as the writer's first message arrives
        await tx.close()                  // drop this process's copy of the write end
        const got = []
        let eof = 'none'
        for (;;) { try { const m = await rx.recv(); got.push(m) } catch (e) { eof = (e instanceof EOFError) + ' ' + e.message; break } }
        r.count = got.length
        r.ordered = got.slice(0, 200).every((m, i) => m.i === i)
        r.bytes = Buffer.from(got[200]).toString()
        r.eof = eof
        r.pollAtEof = await rx.poll()
        r.wrongWay = await outcome(() => rx.send(1))
        r.closedSend = await outcome(() => tx.send(1))
        await w.join()
        // Duplex: both ends talk.
        const [a, b] = Pipe()
        const e = new Process({ target: echo, args: [b] }); await e.start()
        const answers = []
        for (const n of [1, 2, 3]) { await a.send(n); answers.push(await a.recv()) }
        await a.send('stop'); await e.join()
        r.answers = answers
        // The other end is still held by this process (never closed here): no EOF, poll times out.
        r.pollHeld = await a.poll(100)
        console.log('RESULT ' + JSON.stringify(r))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const r = results(run.lines('MainProcess'))
    expect(r).toMatchObject({ beforeClose: true, count: 201, ordered: true, bytes: 'raw bytes', pollAtEof: true, answers: [2, 4, 6], pollHeld: false })
    expect(r.eof).toMatch(/^true Pipe-\d+: every holder of the other end has closed it/)
    expect((r.wrongWay as string[])[0]).toMatch(/^ProcessError: cannot send on this end: Pipe\(\{ duplex: false \}\)/)
    expect((r.closedSend as string[])[0]).toBe('ProcessError: cannot send: this connection is closed')
    // Messages sent: the writer's 201, main's four, the echo's three replies (a shared-memory pipe's event summarises `count` of them).
    const sent = run.events.reduce((n, e) => n + (e.kind === 'pipe.send' ? (e.count ?? 1) : 0), 0)
    expect(sent).toBe(201 + 4 + 3)
    expect(run.events.some((e) => e.kind === 'pipe.eof')).toBe(true)
  })
})

describe('shared objects as arguments', () => {
  it('arrive as live handles when nested in objects, arrays and Maps, and when made in a child', async () => {
    const run = await runSource(`
      import { Process, Lock, Queue, Pipe } from 'proclab'
      export async function grandchild(kit) { await kit.get('out').put('grandchild saw ' + (await kit.get('lock').locked())) }
      export async function child(tools, ends) {
        await tools.out.put('locked in child: ' + (await tools.lock.locked()))
        await ends[0].send('through a nested pipe end')
        const own = new Lock({ name: 'made-in-child' })
        await own.acquire()
        const g = new Process({ target: grandchild, args: [new Map([['lock', own], ['out', tools.out]])] })
        await g.start(); await g.join()
      }
      export default async function main() {
        const lock = new Lock(), out = new Queue(), [rx, tx] = Pipe({ duplex: false })
        await lock.acquire()
        const p = new Process({ target: child, args: [{ lock, out }, [tx]] })
        await p.start()
        const got = [await out.get(), await rx.recv(), await out.get()]
        await p.join()
        console.log('RESULT ' + JSON.stringify({ got }))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    expect(results(run.lines('MainProcess'))).toEqual({ got: ['locked in child: true', 'through a nested pipe end', 'grandchild saw true'] })
  })
})
