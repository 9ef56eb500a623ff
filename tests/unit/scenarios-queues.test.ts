// The queue chapter's scenarios: Queue basics (maxsize, blocking, Full, Empty, timeouts) and the
// flash sale (100 buyers, Queue(10)). Each test runs the built-in scenario through a real host.
import { describe, expect, it } from 'vitest'
import type { EventOf } from '../../src-shared/events'
import { runLab, type RunResult } from '../helpers/lab'

function queueEvents(run: RunResult, queueName: string) {
  const created = run.events.find((e): e is EventOf<'object.create'> => e.kind === 'object.create' && e.name === queueName)
  expect(created, `a queue named ${queueName}`).toBeDefined()
  return run.events.filter(
    (e): e is EventOf<'queue.put' | 'queue.get' | 'queue.full' | 'queue.empty'> => e.kind.startsWith('queue.') && (e as { object?: string }).object === created!.object,
  )
}

describe('queue basics', () => {
  it('queue-basics: FIFO, maxsize, Full and Empty without waiting or after a timeout, and blocking until another process acts', async () => {
    const run = await runLab({ scenario: 'queue-basics' })
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const main = run.lines('MainProcess')
    const outcome = (label: string) => {
      const line = main.find((l) => l.startsWith(`${label}: `))
      expect(line, label).toBeDefined()
      return line!.slice(label.length + 2)
    }
    const after = (text: string) => Number(/after (\d+) ms$/.exec(text)?.[1])
    expect(main).toContain('a Queue with maxsize 3')
    expect(main).toContain('after three puts: qsize 3, full true')
    expect(outcome('putNowait on a full queue')).toMatch(/^Full after \d+ ms$/)
    const timedPut = outcome('put with { timeout: 100 } on a full queue')
    expect(timedPut).toMatch(/^Full after \d+ ms$/)
    expect(after(timedPut)).toBeGreaterThanOrEqual(95)
    expect(outcome('blocking put on a full queue')).toMatch(/^ok after \d+ ms$/)
    // The helper took the oldest item; main gets the rest in the order they went in.
    expect(run.lines('helper-get')).toEqual(['helper took "first" out of the full queue'])
    expect(main.filter((l) => l.startsWith('get: ')).map((l) => /-> (.*) after/.exec(l)?.[1])).toEqual(['{"count":1}', '[1,2,3]', '"fourth"'])
    expect(main).toContain('after taking everything: qsize 0, empty true')
    expect(outcome('getNowait on an empty queue')).toMatch(/^Empty after \d+ ms$/)
    const timedGet = outcome('get with { timeout: 100 } on an empty queue')
    expect(timedGet).toMatch(/^Empty after \d+ ms$/)
    expect(after(timedGet)).toBeGreaterThanOrEqual(95)
    expect(outcome('blocking get on an empty queue')).toMatch(/^ok -> "late item" after \d+ ms$/)

    // The host saw the same story: two Full, two Empty, never more than 3 items, and the
    // blocked put went in only after the helper's get made room.
    const events = queueEvents(run, 'Queue-1')
    expect(events.filter((e) => e.kind === 'queue.full')).toHaveLength(2)
    expect(events.filter((e) => e.kind === 'queue.empty')).toHaveLength(2)
    const depths = events.filter((e) => e.kind === 'queue.put').map((e) => e.depth)
    expect(Math.max(...depths)).toBe(3)
    // Three puts, the fourth after the helper made room, and the helper's late item. A fourth put
    // at depth 3 in a queue of 3 is the proof that a get came first: the two processes' events come
    // in batches of their own, so their order in the stream says nothing (Windows showed it).
    expect(depths).toHaveLength(5)
    expect(depths.slice(0, 4)).toEqual([1, 2, 3, 3])
    const helperLid = run.start('helper-get').lid
    expect(events.some((e) => e.kind === 'queue.get' && e.lid === helperLid)).toBe(true)
  })
})

describe('flash sale', () => {
  it('flash-sale: of 100 buyers exactly 10 get into the Queue(10), in order, and 90 get Full', async () => {
    const run = await runLab({ scenario: 'flash-sale' })
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const buyers = run.starts.filter((s) => s.name.startsWith('buyer-'))
    expect(buyers).toHaveLength(100)
    const said = (text: string) => buyers.filter((b) => run.lines(b.name).includes(`${b.name}: ${text}`)).map((b) => b.name)
    const winners = said('got in')
    const losers = said('sold out (Full)')
    // A buyer that said neither failed for another reason: show what it printed.
    const silent = buyers.filter((b) => !winners.includes(b.name) && !losers.includes(b.name))
    expect(silent.map((b) => `${b.name}: ${run.lines(b.name).slice(0, 6).join(' | ')}`)).toEqual([])
    expect(winners).toHaveLength(10)
    expect(losers).toHaveLength(90)
    expect(new Set([...winners, ...losers]).size).toBe(100)

    const events = queueEvents(run, 'orders')
    const puts = events.filter((e) => e.kind === 'queue.put')
    expect(events.filter((e) => e.kind === 'queue.full')).toHaveLength(90)
    expect(puts).toHaveLength(10)
    // Depth rises 1 … 10 and never beyond; every Full saw a queue of exactly 10.
    expect(puts.map((e) => e.depth)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    for (const full of events.filter((e) => e.kind === 'queue.full')) expect(full.depth).toBe(10)
    // The ranking main prints is the order in which the winners reached the queue.
    const nameOf = new Map(run.starts.map((s) => [s.lid, s.name]))
    const ranking = run.lines('MainProcess').filter((l) => /^#\d+: /.test(l))
    expect(ranking).toEqual(puts.map((e, i) => `#${i + 1}: ${nameOf.get(e.lid)}`))
    expect(new Set(puts.map((e) => nameOf.get(e.lid)))).toEqual(new Set(winners))
    expect(run.lines('MainProcess')).toContain('all 100 buyers are done (0 failed); 10 orders are in the queue')
    // Winning or not, every buyer ended normally.
    expect(buyers.filter((b) => run.exitCode(b.name) !== 0).map((b) => `${b.name}: ${run.exitCode(b.name)}`)).toEqual([])
  }, 180_000)
})
