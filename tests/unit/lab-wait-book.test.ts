// The broker's checks on what a lab process reports about its waits (supervisor/waits.ts): a
// report about an object or a process outside its run, a second report of the same wait, or the
// end of a wait never reported is refused, and a process that is gone ends every wait it had.
import { describe, expect, it } from 'vitest'
import type { EventBody } from '../../src-shared/events'
import { WaitBook } from '../../src-main/lab/supervisor/waits'

function book() {
  const emitted: EventBody[] = []
  let now = 1_000_000
  const waits = new WaitBook({
    emit: (_lid, body) => emitted.push(body),
    objectKnown: (_lid, oid) => oid === 'r/1',
    processKnown: (_from, lid) => lid === 'r.1',
    now: () => now,
  })
  return { waits, emitted, advance: (us: number) => (now += us) }
}

const wait = (n: number, fields: Partial<{ on: string; object: string | null; target: string | null; timeoutMs: number | null }> = {}) =>
  ({ op: 'wait', wait: n, on: 'queue.get', object: 'r/1', target: null, timeoutMs: null, waitedUs: 6000, ...fields }) as never

describe('WaitBook', () => {
  it('emits a checked wait from when it began and its one resume', () => {
    const { waits, emitted, advance } = book()
    expect(waits.receive('r', 10, wait(1))).toBeNull()
    advance(4000)
    expect(waits.receive('r', 10, { op: 'resume', wait: 1, outcome: 'done', waitedUs: 10_000 })).toBeNull()
    expect(emitted).toEqual([
      { kind: 'process.wait', lid: 'r', pid: 10, wait: 1, on: 'queue.get', object: 'r/1', target: null, timeoutMs: null, waitedUs: 6000 },
      { kind: 'process.resume', lid: 'r', pid: 10, wait: 1, outcome: 'done', waitedUs: 10_000 },
    ])
    expect(waits.openCount('r')).toBe(0)
  })

  it('refuses reports about what is not of its run, twice the same wait, and ends of unknown waits', () => {
    const { waits, emitted } = book()
    expect(waits.receive('r', 10, wait(1, { object: 'other/1' }))).toMatch(/not an object of its run/)
    expect(waits.receive('r', 10, wait(2, { on: 'join', object: null, target: 'x.1' }))).toMatch(/not a process of its run/)
    expect(waits.receive('r', 10, wait(3, { on: 'dancing' }))).toMatch(/no blocking call/)
    expect(waits.receive('r', 10, wait(4, { on: 'sleep', object: 'r/1' }))).toMatch(/not an object/)
    expect(waits.receive('r', 10, wait(5, { timeoutMs: -1 }))).toMatch(/bad timeout/)
    expect(waits.receive('r', 10, { op: 'resume', wait: 9, outcome: 'done', waitedUs: 1 })).toMatch(/had not reported/)
    expect(waits.receive('r', 10, wait(6))).toBeNull()
    expect(waits.receive('r', 10, wait(6))).toMatch(/twice/)
    expect(waits.receive('r', 10, { op: 'resume', wait: 6, outcome: 'gone' as never, waitedUs: 1 })).toMatch(/outcome/)
    expect(emitted).toHaveLength(1)
  })

  it('ends every open wait of a process that is gone, once', () => {
    const { waits, emitted, advance } = book()
    waits.receive('r', 10, wait(1))
    waits.receive('r', 10, wait(2, { on: 'join', object: null, target: 'r.1' }))
    advance(2000)
    waits.processGone('r')
    waits.processGone('r')
    const ends = emitted.filter((e) => e.kind === 'process.resume')
    expect(ends).toEqual([
      { kind: 'process.resume', lid: 'r', pid: 10, wait: 1, outcome: 'gone', waitedUs: 8000 },
      { kind: 'process.resume', lid: 'r', pid: 10, wait: 2, outcome: 'gone', waitedUs: 8000 },
    ])
    expect(waits.receive('r', 10, { op: 'resume', wait: 1, outcome: 'done', waitedUs: 1 })).toMatch(/had not reported/)
  })
})
