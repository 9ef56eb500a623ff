// The queue and pipe folds (src-shared/folds/queues.ts, pipes.ts): depth and counts from the
// broker's events, who is blocked now from process.wait/resume, and events of older or damaged
// session files read loosely, as they come from disk.
import { describe, expect, it } from 'vitest'
import { QueueFold, queueFull, type QueueFoldInput } from '../../src-shared/folds/queues'
import { PipeFold, pipeBuffered, type PipeFoldInput } from '../../src-shared/folds/pipes'

/** An event as read from a file: any fields at all. */
type Loose = { kind: string; t: number } & Record<string, unknown>

const create = (object: string, type: string, capacity: number | null, t = 1): QueueFoldInput => ({ kind: 'object.create', t, lid: 'r1.1', pid: 10, object, type, name: object, capacity })
const wait = (t: number, lid: string, n: number, on: string, object: string, waitedUs = 5_000): Loose => ({ kind: 'process.wait', t, lid, pid: 100 + Number(lid.slice(-1)), wait: n, on, object, target: null, timeoutMs: null, waitedUs })
const resume = (t: number, lid: string, n: number): Loose => ({ kind: 'process.resume', t, lid, pid: 0, wait: n, outcome: 'done', waitedUs: 0 })

describe('QueueFold', () => {
  it('takes the depth from the broker, counts puts, gets, summaries and refusals', () => {
    const depths: Array<[number, number]> = []
    const moved: string[] = []
    const fold = new QueueFold({ depth: (q, t) => depths.push([t, q.depth]), moved: (_q, op, n) => moved.push(`${op}${n}`) })
    fold.apply(create('q', 'queue', 2))
    fold.apply({ kind: 'queue.put', t: 10, lid: 'r1.2', pid: 2, object: 'q', depth: 1 })
    fold.apply({ kind: 'queue.put', t: 11, lid: 'r1.2', pid: 2, object: 'q', depth: 2 })
    fold.apply({ kind: 'queue.full', t: 12, lid: 'r1.2', pid: 2, object: 'q', depth: 2 })
    fold.apply({ kind: 'queue.get', t: 13, lid: 'r1.3', pid: 3, object: 'q', depth: 0, count: 2 })
    fold.apply({ kind: 'queue.empty', t: 14, lid: 'r1.3', pid: 3, object: 'q', depth: 0 })
    const q = fold.get('q')!
    expect(q).toMatchObject({ type: 'queue', maxsize: 2, depth: 0, peak: 2, puts: 2, gets: 2, fulls: 1, empties: 1, lastT: 14 })
    // Refusals leave the depth as it was: no new point.
    expect(depths).toEqual([[10, 1], [11, 2], [13, 0]])
    expect(moved).toEqual(['put1', 'put1', 'get2'])
    expect(queueFull({ depth: 2, maxsize: 2 })).toBe(true)
    expect(queueFull({ depth: 9, maxsize: null })).toBe(false)
  })

  it('lists getters and putters from when their call began, in arrival order, until resumed or gone', () => {
    const changes: number[] = []
    const fold = new QueueFold({ waiters: (_q, t) => changes.push(t) })
    fold.apply(create('q', 'joinable-queue', 1))
    expect(fold.apply(wait(20_000, 'r1.2', 1, 'queue.get', 'q'))).toEqual(['q'])
    fold.apply(wait(21_000, 'r1.3', 1, 'queue.get', 'q', 7_000))
    fold.apply(wait(22_000, 'r1.4', 3, 'queue.put', 'q'))
    fold.apply(wait(22_500, 'r1.5', 1, 'queue.join', 'q'))
    const q = fold.get('q')!
    expect(q.getters.map((w) => [w.lid, w.pid, w.since])).toEqual([['r1.2', 102, 15_000], ['r1.3', 103, 14_000]])
    expect(q.putters.map((w) => w.lid)).toEqual(['r1.4'])
    expect(q.joiners.map((w) => w.lid)).toEqual(['r1.5'])
    // A resume names only its process and wait number.
    expect(fold.apply(resume(23_000, 'r1.2', 1))).toEqual(['q'])
    expect(fold.apply(resume(23_000, 'r1.2', 1))).toEqual([])
    // An exit ends what its process still waited on (a killed process sends no resume of its own).
    expect(fold.apply(<Loose>{ kind: 'process.exit', t: 24_000, lid: 'r1.4', pid: 104, exitCode: -9, signal: 'SIGKILL' })).toEqual(['q'])
    expect([q.getters.map((w) => w.lid), q.putters, q.joiners.length]).toEqual([['r1.3'], [], 1])
    expect(changes).toEqual([20_000, 21_000, 22_000, 22_500, 23_000, 24_000])
  })

  it('ignores waits on other things, and a run.start starts over', () => {
    const fold = new QueueFold()
    fold.apply(create('q', 'queue', null))
    expect(fold.apply(wait(10, 'r1.2', 1, 'pipe.recv', 'p'))).toEqual([])
    expect(fold.apply(wait(10, 'r1.2', 2, 'sleep', 'q'))).toEqual([])
    expect(fold.apply({ ...wait(10, 'r1.2', 3, 'queue.get', 'q'), object: null })).toEqual([])
    expect(fold.apply(create('L', 'lock', null))).toEqual([])
    expect(fold.get('L')).toBeUndefined()
    fold.apply(wait(10, 'r1.2', 4, 'queue.get', 'q'))
    fold.apply(<Loose>{ kind: 'run.start', t: 50, title: 'again', source: 'x' })
    expect(fold.get('q')).toBeUndefined()
  })

  it('reads old and damaged events loosely: no create, no depth, no pid, a wait reported twice', () => {
    const fold = new QueueFold()
    // A queue whose object.create is not in the file: unbounded, as a plain Queue.
    fold.apply({ kind: 'queue.put', t: 5, lid: 'r1.2', object: 'q', depth: 3 })
    fold.apply({ kind: 'queue.get', t: 6, lid: 'r1.2', object: 'q' })
    fold.apply({ kind: 'queue.get', t: 7, lid: 'r1.2', object: 'q', depth: 'two', count: -4 })
    fold.apply({ kind: 'queue.put', t: 8, object: 42, depth: 9 })
    fold.apply({ kind: 'process.wait', t: 9_000, lid: 'r1.3', wait: 1, on: 'queue.get', object: 'q' })
    fold.apply({ kind: 'process.wait', t: 9_500, lid: 'r1.3', wait: 1, on: 'queue.get', object: 'q', waitedUs: 6_000 })
    const q = fold.get('q')!
    expect(q).toMatchObject({ type: 'queue', maxsize: null, depth: 3, peak: 3, puts: 1, gets: 2 })
    expect(q.getters).toEqual([{ lid: 'r1.3', pid: 0, wait: 1, since: 3_500, timeoutMs: null }])
    expect([...fold.all()].map((s) => s.object)).toEqual(['q'])
  })
})

describe('PipeFold', () => {
  const ev = (e: Omit<PipeFoldInput, 'object'> & Record<string, unknown>): PipeFoldInput => ({ object: 'p', lid: 'r1.2', pid: 2, ...e })

  it('counts each direction, bytes of sized sends, summaries, closes and EOF', () => {
    const moved: Array<[number, number, number]> = []
    const fold = new PipeFold({ buffered: (p, t) => moved.push([t, pipeBuffered(p.dirs[0]), pipeBuffered(p.dirs[1])]) })
    fold.apply(<Loose>{ kind: 'object.create', t: 1, lid: 'r1.1', pid: 1, object: 'p', type: 'pipe', name: 'p', capacity: null })
    fold.apply(ev({ kind: 'pipe.send', t: 10, end: 1, bytes: null }))
    fold.apply(ev({ kind: 'pipe.send', t: 11, end: 1, bytes: 30, count: 3, sized: 2 }))
    fold.apply(ev({ kind: 'pipe.recv', t: 12, end: 0, bytes: null, count: 2 }))
    fold.apply(ev({ kind: 'pipe.send', t: 13, end: 0, bytes: 5 }))
    fold.apply(ev({ kind: 'pipe.close', t: 14, end: 1 }))
    fold.apply(ev({ kind: 'pipe.eof', t: 15, end: 0 }))
    const p = fold.get('p')!
    expect(p.dirs[1]).toEqual({ sent: 4, received: 2, bytesSent: 30, bytesReceived: 0, sizedSends: 2, eof: true, eofT: 15 })
    expect(p.dirs[0]).toMatchObject({ sent: 1, received: 0, bytesSent: 5, sizedSends: 1, eof: false })
    expect([p.closes, p.closed]).toEqual([[0, 1], [false, true]])
    expect(moved).toEqual([[10, 0, 1], [11, 0, 4], [12, 0, 2], [13, 1, 2]])
  })

  it('lists receivers and senders until resumed or gone', () => {
    const fold = new PipeFold()
    fold.apply(wait(30_000, 'r1.2', 1, 'pipe.recv', 'p'))
    fold.apply(wait(31_000, 'r1.3', 2, 'pipe.send', 'p'))
    fold.apply(wait(31_000, 'r1.4', 1, 'queue.get', 'p'))
    const p = fold.get('p')!
    expect([p.receivers.map((w) => [w.lid, w.since]), p.senders.map((w) => w.lid)]).toEqual([[['r1.2', 25_000]], ['r1.3']])
    fold.apply(resume(32_000, 'r1.3', 2))
    fold.apply(<Loose>{ kind: 'process.exit', t: 33_000, lid: 'r1.2', pid: 102, exitCode: 0, signal: null })
    expect([p.receivers, p.senders]).toEqual([[], []])
  })

  it('takes an event with no end (an old or hand-written file) as about direction 0 → 1', () => {
    const fold = new PipeFold()
    fold.apply(ev({ kind: 'pipe.send', t: 1, bytes: 10 }))
    fold.apply(ev({ kind: 'pipe.recv', t: 2, bytes: 10 }))
    fold.apply(ev({ kind: 'pipe.send', t: 3, end: 'one', bytes: 'x' }))
    fold.apply(ev({ kind: 'pipe.eof', t: 4 }))
    const p = fold.get('p')!
    expect(p.dirs[0]).toEqual({ sent: 2, received: 1, bytesSent: 10, bytesReceived: 10, sizedSends: 1, eof: true, eofT: 4 })
    expect(p.dirs[1].sent + p.dirs[1].received).toBe(0)
    expect(p.closed).toEqual([true, false])
  })
})
