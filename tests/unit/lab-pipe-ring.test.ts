// Pipes through shared memory (src-main/lab/pipe-ring.ts): messages between two lab processes
// do not cross the broker, the telemetry still counts every one of them, messages too big for a
// frame keep their place in the order, and the run's segments are gone when it ends.
import { existsSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import type { EventOf } from '../../src-shared/events'
import { brokerMessagesHandled } from '../../src-main/lab/supervisor/broker'
import { runSource, type RunResult } from '../helpers/lab'
import { linuxOnly } from '../helpers/platform'
import { results } from '../helpers/results'

const sendAndReceive = (n: number) => `
  import { Pipe, Process } from 'proclab'
  export async function sender(tx, n) { for (let i = 0; i < n; i++) await tx.send({ i, text: 'x' }) }
  export async function receiver(rx, n) {
    let sum = 0
    for (let i = 0; i < n; i++) sum += (await rx.recv()).i
    console.log('RESULT ' + JSON.stringify({ sum }))
  }
  export default async function main() {
    const [rx, tx] = Pipe({ duplex: false })
    const r = new Process({ target: receiver, args: [rx, ${n}], name: 'receiver' })
    const s = new Process({ target: sender, args: [tx, ${n}] })
    await r.start(); await s.start()
    await s.join(); await r.join()
  }
`

/** The run, and how many messages the broker handled during it. */
async function counted(source: string): Promise<{ run: RunResult; messages: number }> {
  const before = brokerMessagesHandled()
  const run = await runSource(source)
  return { run, messages: brokerMessagesHandled() - before }
}

/** Messages the pipe events stand for (a shared-memory pipe's events summarise `count` each). */
function eventCount(run: RunResult, kind: 'pipe.send' | 'pipe.recv'): number {
  return run.events.filter((e): e is EventOf<typeof kind> => e.kind === kind).reduce((n, e) => n + (e.count ?? 1), 0)
}

const saved = process.env.PROCLAB_PIPE_RING
afterEach(() => {
  if (saved === undefined) delete process.env.PROCLAB_PIPE_RING
  else process.env.PROCLAB_PIPE_RING = saved
})

describe('a Pipe through shared memory', () => {
  it('sends 10,000 messages between two processes without a broker message per send, and counts every one', async () => {
    const few = await counted(sendAndReceive(10))
    const many = await counted(sendAndReceive(10_000))
    for (const { run } of [few, many]) expect(run.end.ok, run.end.error ?? '').toBe(true)
    expect(results(many.run.lines('receiver'))).toEqual({ sum: (10_000 * 9_999) / 2 })
    // The same script with 9,990 more messages: start-up, joins and telemetry reports differ by a few messages at most.
    expect(many.messages - few.messages).toBeLessThan(200)
    expect(eventCount(many.run, 'pipe.send')).toBe(10_000)
    expect(eventCount(many.run, 'pipe.recv')).toBe(10_000)
    // The counter sees what it claims: on the broker's path every send and every acknowledgement is a message.
    process.env.PROCLAB_PIPE_RING = '0'
    const brokered = await counted(sendAndReceive(10_000))
    expect(brokered.run.end.ok, brokered.run.end.error ?? '').toBe(true)
    expect(results(brokered.run.lines('receiver'))).toEqual({ sum: (10_000 * 9_999) / 2 })
    expect(brokered.messages - few.messages).toBeGreaterThan(9_990)
  })

  it('keeps the order of messages too big for a frame (they go by the broker), and of bytes and values', async () => {
    const { run } = await counted(`
      import { Pipe, Process } from 'proclab'
      export async function sender(tx) {
        await tx.send('first')
        await tx.sendBytes(Buffer.alloc(3 * 1024 * 1024, 5))  // bigger than half a 256 KiB ring
        await tx.send({ when: new Date(0), map: new Map([[1, 'one']]), n: -0 })  // structured clone, not JSON
        await tx.sendBytes(Buffer.alloc(70_000, 6))
        await tx.send({ huge: 'y'.repeat(700_000) })
        await tx.send('last')
      }
      export default async function main() {
        const [rx, tx] = Pipe({ duplex: false })
        const s = new Process({ target: sender, args: [tx] }); await s.start()
        await tx.close()
        const got = []
        for (;;) {
          try {
            const m = await rx.recv()
            got.push(Buffer.isBuffer(m) ? 'bytes ' + m.length + ' of ' + m[0] : m instanceof Object && m.huge ? 'huge ' + m.huge.length : m instanceof Object ? [m.when.getTime(), m.map.get(1), Object.is(m.n, -0)] : m)
          } catch (e) { got.push(e.name); break }
        }
        await s.join()
        console.log('RESULT ' + JSON.stringify({ got }))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    expect(results(run.lines('MainProcess')).got).toEqual(['first', 'bytes 3145728 of 5', [0, 'one', true], 'bytes 70000 of 6', 'huge 700000', 'last', 'EOFError'])
  })

  it('serves an end held by two writers and one held by two readers: every message once, each writer in its order, then EOF', async () => {
    const { run } = await counted(`
      import { Pipe, Process, EOFError } from 'proclab'
      export async function writer(tx, w, n) { for (let i = 0; i < n; i++) await tx.send({ w, i, pad: 'z'.repeat(i % 300) }); await tx.close() }
      export async function reader(rx, out) {
        const got = []
        for (;;) { try { const m = await rx.recv(); got.push(m.w * 100000 + m.i) } catch (e) { if (!(e instanceof EOFError)) throw e; break } }
        await out.send(got)
      }
      export default async function main() {
        const [rx, tx] = Pipe({ duplex: false })
        const [back, out] = Pipe({ duplex: false })
        const ps = [new Process({ target: writer, args: [tx, 1, 3000] }), new Process({ target: writer, args: [tx, 2, 3000] }),
                    new Process({ target: reader, args: [rx, out] }), new Process({ target: reader, args: [rx, out] })]
        for (const p of ps) await p.start()
        await tx.close(); await rx.close(); await out.close()
        const lists = [await back.recv(), await back.recv()]
        const all = lists.flat()
        // What one reader got from one writer came in the order it was sent.
        const inOrder = lists.every((got) => [1, 2].every((w) => got.filter((x) => Math.floor(x / 100000) === w).every((x, k, a) => k === 0 || a[k - 1] < x)))
        for (const p of ps) await p.join()
        const ofWriter = (w) => all.filter((x) => Math.floor(x / 100000) === w).map((x) => x % 100000).sort((a, b) => a - b)
        const exact = (w) => ofWriter(w).every((i, k) => i === k) && ofWriter(w).length === 3000
        console.log('RESULT ' + JSON.stringify({ total: all.length, unique: new Set(all).size, exact1: exact(1), exact2: exact(2), inOrder }))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    expect(results(run.lines('MainProcess'))).toEqual({ total: 6000, unique: 6000, exact1: true, exact2: true, inOrder: true })
  })

  it('unlinks its shared memory when the run ends', linuxOnly('POSIX segments show as files in /dev/shm only on Linux'), async () => {
    const { run } = await counted(`
      import { existsSync } from 'node:fs'
      import { Pipe } from 'proclab'
      export default async function main() {
        const [a, b] = Pipe()
        await a.send('ping')
        const name = b.ringAddress?.segment.name ?? null
        console.log('RESULT ' + JSON.stringify({ name, during: name !== null && existsSync('/dev/shm/' + name), got: await b.recv() }))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const { name, during, got } = results(run.lines('MainProcess')) as { name: string | null; during: boolean; got: string }
    expect(got).toBe('ping')
    expect(name).toMatch(/^proclab-/)
    expect(during).toBe(true)
    expect(existsSync(`/dev/shm/${name}`)).toBe(false)
  })
})
