// What real lab processes are blocked on (process.wait / process.resume) and how the activity fold
// reads it. The test drives each step by what the events show: a process stays blocked until the
// test has seen its wait reported and writes a flag file the other side polls (with sleeps too
// short to be waits themselves), so nothing here depends on how fast the machine is.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EventOf, LabEvent } from '../../src-shared/events'
import { ActivityFold } from '../../src-shared/folds/activity'
import { runSource, waitUntil } from '../helpers/lab'

type Wait = EventOf<'process.wait'>
type Resume = EventOf<'process.resume'>

/** A hang guard only: each step waits for an event, never for time. */
const STEP_LIMIT_MS = 120_000

let flags: string
beforeEach(() => {
  flags = mkdtempSync(join(tmpdir(), 'proclab-waits-'))
})
afterEach(() => rmSync(flags, { recursive: true, force: true }))

const flag = (name: string) => join(flags, name)

/** Polls for a flag file with sleeps below the report threshold: no wait of its own. */
const AWAIT_FLAG = `
  import { existsSync } from 'node:fs'
  export async function flagged(path) { while (!existsSync(path)) await sleep(2) }
`

function waitsIn(events: LabEvent[]): Wait[] {
  return events.filter((e): e is Wait => e.kind === 'process.wait')
}

function resumeOf(events: LabEvent[], wait: Wait): Resume | undefined {
  return events.find((e): e is Resume => e.kind === 'process.resume' && e.lid === wait.lid && e.wait === wait.wait)
}

/** Writes `name` once a process.wait matching `match` has arrived. */
async function release(events: LabEvent[], name: string, match: (wait: Wait) => boolean): Promise<void> {
  await waitUntil(() => waitsIn(events).some(match), STEP_LIMIT_MS, `a wait for ${name}`)
  writeFileSync(flag(name), '')
}

function lidOf(events: LabEvent[], name: string): string {
  const lid = maybeLid(events, name)
  if (lid === null) throw new Error(`no process ${name}`)
  return lid
}

/** Null while the process has not started yet (a step's condition asks before it has). */
function maybeLid(events: LabEvent[], name: string): string | null {
  return events.find((e): e is EventOf<'process.start'> => e.kind === 'process.start' && e.name === name)?.lid ?? null
}

function objectNamedOrNull(events: LabEvent[], name: string): string | null {
  return events.find((e): e is EventOf<'object.create'> => e.kind === 'object.create' && e.name === name)?.object ?? null
}

function objectNamed(events: LabEvent[], name: string): string {
  const made = events.find((e): e is EventOf<'object.create'> => e.kind === 'object.create' && e.name === name)
  if (!made) throw new Error(`no object ${name}`)
  return made.object
}

/** The activity of `lid` right after the event with sequence number `seq`. */
function activityAfter(events: LabEvent[], seq: number, lid: string) {
  const fold = new ActivityFold()
  for (const event of events) {
    if (event.seq > seq) break
    fold.apply(event)
  }
  return fold.activityOf(lid)?.activity
}

describe('what a lab process is blocked on', () => {
  it('reports get on an empty queue, recv on an empty pipe, join and sleep, each ended once; short waits send nothing', async () => {
    const names = { putter: 'putter', reader: 'reader', ender: 'ender' }
    const run = await runSource(
      `
      import { Process, Queue, Pipe, Empty, sleep } from 'proclab'
      ${AWAIT_FLAG}
      export async function putter(q, path) { await flagged(path); await q.put('order-1') }
      export async function reader(conn) { console.log('read', await conn.recv()) }
      export async function ender(path) { await flagged(path) }
      export default async function main() {
        const orders = new Queue(0, { name: 'orders' })
        const p1 = new Process({ target: putter, args: [orders, ${JSON.stringify(flag('put'))}], name: 'putter' })
        await p1.start()
        console.log('got', await orders.get())
        await p1.join()

        const [mine, theirs] = Pipe({ name: 'wire' })
        const p2 = new Process({ target: reader, args: [theirs], name: 'reader' })
        await p2.start()
        await flagged(${JSON.stringify(flag('send'))})
        await mine.send('hello')
        await p2.join()

        const p3 = new Process({ target: ender, args: [${JSON.stringify(flag('end'))}], name: 'ender' })
        await p3.start()
        await p3.join()

        await sleep(300)

        // Too short to be reported: a sleep under the threshold, a get that times out after 1 ms, a get that finds an item.
        await sleep(2)
        try { await orders.get({ timeout: 1 }) } catch (error) { console.log(error instanceof Empty ? 'empty' : String(error)) }
        await orders.put('x')
        await orders.get()
      }
    `,
      {
        during: async (_host, events) => {
          await release(events, 'put', (w) => w.on === 'queue.get' && w.object === objectNamed(events, 'orders'))
          await release(events, 'send', (w) => w.on === 'pipe.recv' && w.lid === maybeLid(events, names.reader))
          await release(events, 'end', (w) => w.on === 'join' && w.target === maybeLid(events, names.ender))
        },
      },
    )
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const main = run.starts.find((s) => s.parentLid === null)!.lid
    const events = run.events
    const waits = waitsIn(events)

    const get = waits.find((w) => w.on === 'queue.get')!
    expect(get).toMatchObject({ lid: main, object: objectNamed(events, 'orders'), target: null, timeoutMs: null })
    expect(get.waitedUs).toBeGreaterThanOrEqual(5000)
    expect(activityAfter(events, get.seq, main)).toMatchObject({ kind: 'waiting', on: 'queue.get', object: get.object })
    // Served by the child's put: the put comes first, then the one resume of that wait.
    const getEnd = resumeOf(events, get)!
    expect(getEnd.outcome).toBe('done')
    const put = events.find((e) => e.kind === 'queue.put' && e.lid === lidOf(events, names.putter))!
    expect(put.seq).toBeLessThan(getEnd.seq)
    expect(activityAfter(events, getEnd.seq, main)).toEqual({ kind: 'running' })

    const recv = waits.find((w) => w.on === 'pipe.recv')!
    expect(recv).toMatchObject({ lid: lidOf(events, names.reader), object: objectNamed(events, 'wire') })
    expect(activityAfter(events, recv.seq, recv.lid)).toMatchObject({ kind: 'waiting', on: 'pipe.recv' })
    expect(resumeOf(events, recv)?.outcome).toBe('done')

    const joining = waits.find((w) => w.on === 'join' && w.target === maybeLid(events, names.ender))!
    expect(joining).toMatchObject({ lid: main, object: null })
    expect(activityAfter(events, joining.seq, main)).toMatchObject({ kind: 'waiting', on: 'join', target: lidOf(events, names.ender) })
    expect(resumeOf(events, joining)?.outcome).toBe('done')

    const sleeping = waits.find((w) => w.on === 'sleep')!
    expect(sleeping).toMatchObject({ lid: main, timeoutMs: 300 })
    expect(activityAfter(events, sleeping.seq, main)).toMatchObject({ kind: 'waiting', on: 'sleep' })
    expect(resumeOf(events, sleeping)?.outcome).toBe('done')

    // The short ones sent nothing: the only sleep reported is the 300 ms one, no get with a 1 ms limit.
    expect(waits.filter((w) => w.on === 'sleep')).toHaveLength(1)
    expect(waits.filter((w) => w.on === 'queue.get' && w.timeoutMs === 1)).toEqual([])
    expect(run.lines('MainProcess')).toContain('empty')
    // Every wait ended in exactly one resume.
    for (const wait of waits) expect(events.filter((e) => e.kind === 'process.resume' && e.lid === wait.lid && e.wait === wait.wait)).toHaveLength(1)
    expect(events.some((e) => e.kind === 'lab.error')).toBe(false)
  })

  it('ends the wait of a process killed while it waits, before its exit', async () => {
    const run = await runSource(
      `
      import { Process, Queue, sleep } from 'proclab'
      ${AWAIT_FLAG}
      export async function consumer(q) { await q.get() }
      export default async function main() {
        const q = new Queue(0, { name: 'never' })
        const p = new Process({ target: consumer, args: [q], name: 'consumer' })
        await p.start()
        await flagged(${JSON.stringify(flag('kill'))})
        p.kill()
        await p.join()
      }
    `,
      { during: (_host, events) => release(events, 'kill', (w) => w.on === 'queue.get' && w.lid === maybeLid(events, 'consumer')) },
    )
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const consumer = lidOf(run.events, 'consumer')
    const wait = waitsIn(run.events).find((w) => w.lid === consumer)!
    const ends = run.events.filter((e): e is Resume => e.kind === 'process.resume' && e.lid === consumer && e.wait === wait.wait)
    expect(ends).toHaveLength(1)
    expect(ends[0]).toMatchObject({ outcome: 'gone' })
    const exit = run.events.find((e) => e.kind === 'process.exit' && e.lid === consumer)!
    expect(ends[0]!.seq).toBeLessThan(exit.seq)
    expect(activityAfter(run.events, exit.seq, consumer)).toEqual({ kind: 'exited' })
  })

  it('reports a put on a full queue, a get on a broker-kept queue, an Event and a Barrier wait, with their objects and limits', async () => {
    const run = await runSource(
      `
      import { Process, Queue, Event, Barrier, sleep } from 'proclab'
      ${AWAIT_FLAG}
      export async function helper(full, kept, ready, path) {
        await flagged(path + '-put'); await full.get()
        await flagged(path + '-get'); await kept.put('kept')
        await flagged(path + '-event'); await ready.set()
      }
      export async function party(barrier) { await barrier.wait() }
      export default async function main() {
        const full = new Queue(1, { name: 'full' })
        const kept = new Queue(0, { name: 'kept', sharedMemory: false })
        const ready = new Event({ name: 'ready' })
        const barrier = new Barrier(2, { name: 'gate' })
        await full.put('first')
        const p = new Process({ target: helper, args: [full, kept, ready, ${JSON.stringify(flag('step'))}] })
        await p.start()
        await full.put('second')
        console.log(await kept.get())
        console.log(await ready.wait(60000))
        const q = new Process({ target: party, args: [barrier], name: 'party' })
        await q.start()
        await flagged(${JSON.stringify(flag('party'))})
        await barrier.wait()
        await p.join(); await q.join()
      }
    `,
      {
        during: async (_host, events) => {
          const on = (kind: string, object: string) => (w: Wait) => w.on === kind && w.object === objectNamedOrNull(events, object)
          await release(events, 'step-put', on('queue.put', 'full'))
          await release(events, 'step-get', on('queue.get', 'kept'))
          await release(events, 'step-event', on('event', 'ready'))
          await release(events, 'party', on('barrier', 'gate'))
        },
      },
    )
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const events = run.events
    const main = run.starts.find((s) => s.parentLid === null)!.lid
    const waits = waitsIn(events)
    const expected: Array<[string, string, number | null, string]> = [
      ['queue.put', 'full', null, main],
      ['queue.get', 'kept', null, main],
      ['event', 'ready', 60000, main],
      ['barrier', 'gate', null, lidOf(events, 'party')],
    ]
    for (const [on, name, timeoutMs, lid] of expected) {
      const wait = waits.find((w) => w.on === on && w.object === objectNamed(events, name))
      expect(wait, on).toMatchObject({ lid, timeoutMs })
      expect(activityAfter(events, wait!.seq, lid)).toMatchObject({ kind: 'waiting', on, object: wait!.object })
      expect(resumeOf(events, wait!)?.outcome).toBe('done')
    }
    expect(events.some((e) => e.kind === 'lab.error')).toBe(false)
  })
})
