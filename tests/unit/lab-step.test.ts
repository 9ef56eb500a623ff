// Step (issue 17) on real processes: a paused run's consumer is let go one lab operation at a
// time. Each step must end with the process stopped before its next operation (process.at, with
// the script line that calls it), having done exactly one operation, while every other process
// stays stopped; the run then resumes to the right results. Every wait is for an event.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EventOf, LabEvent } from '../../src-shared/events'
import type { Host } from '../../src-main/host'
import { runSource, waitUntil } from '../helpers/lab'
import { needs, onLinux, onWindows } from '../helpers/platform'
import { procStat } from '../helpers/os-cpu'

/** A hang guard only. */
const STEP_LIMIT_MS = 120_000

// The consumer's three operations are on lines 14, 15 and 16 of the script (checked below).
const SCRIPT = `import { Process, Queue, Lock, sleep } from 'proclab'
export async function producer(q) {
  for (let i = 1; i <= 40; i++) await q.put(i)
  await q.put(null)
}
export async function consumer(q, lock) {
  let count = 0, sum = 0
  for (;;) {
    // Slow on purpose: the pause finds the consumer in its sleep, with items waiting.
    await sleep(20)
    await nextItem(q, lock)
  }
  async function nextItem(q, lock) {
    const item = await q.get()
    await lock.acquire()
    await lock.release()
    if (item === null) { console.log('consumed', count, sum); process.exit(0) }
    count++; sum += item
  }
}
export default async function main() {
  const q = new Queue()
  const lock = new Lock()
  const ps = [new Process({ target: producer, args: [q], name: 'producer' }), new Process({ target: consumer, args: [q, lock], name: 'consumer' })]
  for (const p of ps) await p.start()
  for (const p of ps) await p.join()
  console.log('exit codes', ps.map((p) => p.exitCode).join(','))
}
`

const STEPS_WHERE = needs(onLinux || onWindows, 'pausing is built and checked on Linux and Windows')

const lidOf = (events: LabEvent[], name: string) => events.find((e): e is EventOf<'process.start'> => e.kind === 'process.start' && e.name === name)?.lid ?? ''
const count = (events: LabEvent[], kind: string, lid?: string) => events.filter((e) => e.kind === kind && (lid === undefined || ('lid' in e && e.lid === lid))).length

/** Steps `lid` and waits for it to stop before its next operation; returns that process.at and the events of the step. */
async function step(host: Host, events: LabEvent[], lid: string): Promise<{ at: EventOf<'process.at'>; during: LabEvent[]; queue: EventOf<'object.items'> }> {
  const from = events.length
  expect(await host.call('run.step', { lid })).toEqual({ stepping: true, refused: null })
  await waitUntil(() => events.slice(from).some((e) => e.kind === 'object.items'), STEP_LIMIT_MS, `${lid} stopped again, and the queue shown`)
  const atIndex = events.findIndex((e, i) => i >= from && e.kind === 'process.at' && e.lid === lid)
  return { at: events[atIndex] as EventOf<'process.at'>, during: events.slice(from, atIndex), queue: events.find((e, i) => i > atIndex && e.kind === 'object.items') as EventOf<'object.items'> }
}

describe('Step', STEPS_WHERE, () => {
  it('lets one process do one lab operation at a time, stopping before the next, and the run resumes to the right results', async () => {
    const stops: Array<{ op: string; line: string | null; gets: number; queue: EventOf<'object.items'> }> = []
    let atPause: EventOf<'object.items'> | undefined
    let refusals: unknown[] = []
    const result = await runSource(SCRIPT, {
      during: async (host, events) => {
        const consumer = () => lidOf(events, 'consumer')
        await waitUntil(() => count(events, 'queue.get') >= 3 && count(events, 'process.exit') === 1, STEP_LIMIT_MS, 'the producer done and three items taken')
        refusals = [await host.call('run.step', { lid: consumer() })]
        expect(await host.call('run.pause', {})).toEqual({ paused: true })
        atPause = events.find((e): e is EventOf<'object.items'> => e.kind === 'object.items')
        // Six steps: to the get, then get → acquire → release → get → acquire → release.
        for (let i = 0; i < 7; i++) {
          const { at, during, queue } = await step(host, events, consumer())
          stops.push({ op: at.op, line: at.line, gets: count(during, 'queue.get'), queue })
          // Stopped again by the OS, as is everyone else.
          if (onLinux) await waitUntil(() => procStat(at.pid)?.state === 'T', STEP_LIMIT_MS, 'the consumer stopped again')
        }
        refusals.push(await host.call('run.step', { lid: 'no-such-process' }))
        expect(await host.call('run.resume', {})).toEqual({ resumed: true })
      },
    }, 'step.mjs')
    expect(refusals).toEqual([
      { stepping: false, refused: 'the run is not paused' },
      { stepping: false, refused: 'no-such-process is not a live process of this run' },
    ])
    expect(result.end.ok).toBe(true)
    // The first step finds it in its sleep: it stops before the get. Then one operation per step.
    expect(stops.map((s) => s.op)).toEqual(['queue.get', 'lock.acquire', 'lock.release', 'queue.get', 'lock.acquire', 'lock.release', 'queue.get'])
    expect(stops.map((s) => s.line)).toEqual(['step.mjs:14', 'step.mjs:15', 'step.mjs:16', 'step.mjs:14', 'step.mjs:15', 'step.mjs:16', 'step.mjs:14'])
    expect(stops.slice(1).map((s) => s.gets)).toEqual([1, 0, 0, 1, 0, 0])
    // The queue as shown while paused: the items left, first ones first, and one fewer after each get.
    const shown = [atPause!, ...stops.map((s) => s.queue)]
    const first = Number(atPause!.items[0])
    expect(atPause!.total).toBe(41 - (first - 1))
    expect(atPause!.items).toEqual(Array.from({ length: 10 }, (_, i) => String(first + i)))
    expect(shown.map((q) => q.total - atPause!.total)).toEqual([0, 0, -1, -1, -1, -2, -2, -2])
    expect(shown.map((q) => q.items[0])).toEqual([first, first, first + 1, first + 1, first + 1, first + 2, first + 2, first + 2].map(String))
    expect(result.lines('consumer')).toEqual([`consumed 40 ${(40 * 41) / 2}`])
    expect(result.lines('MainProcess')).toContain('exit codes 0,0')
  })
})

describe('what a paused run shows of its queues', STEPS_WHERE, () => {
  it('object.items: the first items of a shared-memory and a brokered queue and of each way of a pipe as short text, big items too, and how many there are', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'proclab-items-'))
    const go = join(dir, 'go')
    let shown: EventOf<'object.items'>[] = []
    try {
      const result = await runSource(`
        import { existsSync } from 'node:fs'
        import { Pipe, Queue, sleep } from 'proclab'
        export default async function main() {
          const ring = new Queue(0, { name: 'ring' })
          const brokered = new Queue(0, { name: 'brokered', sharedMemory: false })
          for (const q of [ring, brokered]) {
            await q.put('text')
            await q.put({ n: 1, tags: ['a', 'b'] })
            await q.put(Buffer.alloc(300 * 1024, 7))
            for (let i = 0; i < 12; i++) await q.put(i)
          }
          const [first, second] = Pipe({ name: 'pipe' })
          await second.send('text')
          await second.send({ n: 1, tags: ['a', 'b'] })
          await second.sendBytes(Buffer.alloc(300, 7))
          for (let i = 0; i < 12; i++) await second.send(i)
          await first.send('back')
          console.log('filled')
          while (!existsSync(${JSON.stringify(go)})) await sleep(5)
          console.log('left', await ring.qsize(), await brokered.qsize())
          let received = 0
          while (await first.poll()) { await first.recv(); received++ }
          console.log('received', received, await second.recv())
        }
      `, {
        during: async (host, events) => {
          await waitUntil(() => events.some((e) => e.kind === 'stdout' && e.line === 'filled'), STEP_LIMIT_MS, 'the queues filled')
          expect(await host.call('run.pause', {})).toEqual({ paused: true })
          shown = events.filter((e): e is EventOf<'object.items'> => e.kind === 'object.items')
          expect(await host.call('run.resume', {})).toEqual({ resumed: true })
          writeFileSync(go, '')
        },
      })
      expect(result.end.ok).toBe(true)
      // Showing took nothing: both still hold all fifteen.
      expect(result.lines('MainProcess')).toEqual(['filled', 'left 15 15', 'received 15 back'])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    const queues = shown.filter((q) => q.part === null)
    expect(queues).toHaveLength(2)
    const pipe = shown.filter((q) => q.part !== null)
    expect(pipe.map((p) => [p.part, p.total])).toEqual([
      [0, 15],
      [1, 1],
    ])
    expect(pipe[1]!.items).toEqual(["'back'"])
    for (const q of [...queues, pipe[0]!]) {
      expect(q.total).toBe(15)
      expect(q.items).toHaveLength(10)
      expect(q.items.slice(0, 2)).toEqual(["'text'", "{ n: 1, tags: [ 'a', 'b' ] }"])
      expect(q.items[2]).toMatch(/^<Buffer 07 07 07/)
      expect(q.items.slice(3)).toEqual(['0', '1', '2', '3', '4', '5', '6'])
    }
  })
})
