// The producer/consumer scenarios: several producers and consumers around a Queue (stopped by a
// timeout, or by sentinels), a JoinableQueue (daemonic consumers) and a Pipe. In every variant each
// bun made is eaten exactly once and the processes end the way the lesson says.
import { describe, expect, it } from 'vitest'
import type { EventOf } from '../../src-shared/events'
import { runLab, type RunResult } from '../helpers/lab'

const PRODUCERS = ['producer-1', 'producer-2']
const CONSUMERS = ['consumer-1', 'consumer-2', 'consumer-3']

/** What the producers say they made and the consumers say they ate (with repeats, if any). */
function buns(run: RunResult): { made: string[]; eaten: string[] } {
  const said = (names: string[], verb: string) =>
    names.flatMap((name) =>
      run
        .lines(name)
        .map((line) => new RegExp(`^${name} ${verb} (\\S+)$`).exec(line)?.[1])
        .filter((bun): bun is string => bun !== undefined),
    )
  return { made: said(PRODUCERS, 'made'), eaten: said(CONSUMERS, 'ate') }
}

function expectEachEatenOnce(run: RunResult): void {
  const { made, eaten } = buns(run)
  const expected = PRODUCERS.flatMap((p) => Array.from({ length: 6 }, (_, i) => `${p}/bun-${i + 1}`))
  expect([...made].sort()).toEqual([...expected].sort())
  // Said plainly when it fails: which buns were eaten twice, and which never.
  const twice = eaten.filter((bun, i) => eaten.indexOf(bun) !== i)
  const never = expected.filter((bun) => !eaten.includes(bun))
  expect({ twice, never }).toEqual({ twice: [], never: [] })
  expect(eaten).toHaveLength(expected.length)
}

/** Exit codes as main saw them when it joined its children ("exit codes: name code, ..."); the host saw the same. */
function exitCodesFromMain(run: RunResult): Record<string, number> {
  const line = run.lines('MainProcess').find((l) => l.startsWith('exit codes: '))
  expect(line).toBeDefined()
  return Object.fromEntries(
    line!
      .slice('exit codes: '.length)
      .split(', ')
      .map((pair) => {
        const [name, code] = pair.split(' ')
        return [name!, Number(code)]
      }),
  )
}

function expectExitCodes(run: RunResult, expected: Record<string, number>): void {
  expect(Object.fromEntries(Object.keys(expected).map((name) => [name, run.exitCode(name)]))).toEqual(expected)
}

const allZero = Object.fromEntries([...PRODUCERS, ...CONSUMERS].map((name) => [name, 0]))

describe('producers and consumers', () => {
  it('producer-consumer-timeout: consumers go home after the queue stays empty; every bun eaten once', async () => {
    const run = await runLab({ scenario: 'producer-consumer-timeout' })
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    expectEachEatenOnce(run)
    for (const name of CONSUMERS) expect(run.lines(name).at(-1)).toBe(`${name}: nothing for 2000 ms, going home`)
    expect(exitCodesFromMain(run)).toEqual(allZero)
    expectExitCodes(run, allZero)
    expect(run.lines('MainProcess').at(-1)).toMatch(/^buns left in the queue: 0;/)
  })

  it('producer-consumer-sentinel: one null per consumer stops them all after the last bun', async () => {
    const run = await runLab({ scenario: 'producer-consumer-sentinel' })
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    expectEachEatenOnce(run)
    for (const name of CONSUMERS) expect(run.lines(name).at(-1)).toBe(`${name}: got the stop sign (null), going home`)
    expect(exitCodesFromMain(run)).toEqual(allZero)
    expectExitCodes(run, allZero)
    // Exactly 12 buns and 3 nulls went through the queue, and it ended empty.
    const queue = run.events.find((e): e is EventOf<'object.create'> => e.kind === 'object.create' && e.name === 'buns')!
    const puts = run.events.filter((e): e is EventOf<'queue.put' | 'queue.get'> => e.kind === 'queue.put' && e.object === queue.object)
    const gets = run.events.filter((e): e is EventOf<'queue.put' | 'queue.get'> => e.kind === 'queue.get' && e.object === queue.object)
    expect(puts).toHaveLength(15)
    expect(gets).toHaveLength(15)
    expect(puts.slice(-3).every((e) => e.lid === run.start('MainProcess').lid)).toBe(true)
  })

  it('producer-consumer-joinable: join() waits for every taskDone, then the daemonic consumers end with main', async () => {
    const run = await runLab({ scenario: 'producer-consumer-joinable' })
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    expectEachEatenOnce(run)
    expect(run.lines('MainProcess')).toContain('producers are done (exit codes 0, 0); waiting until every bun is confirmed with taskDone()')
    expect(run.lines('MainProcess').at(-1)).toBe('every bun was eaten and confirmed; main returns, and the daemonic consumers end with it')
    for (const name of CONSUMERS) {
      expect(run.start(name).daemon).toBe(true)
      // Looping forever, they were ended by main's return (SIGTERM), not by finishing.
      expect(run.exitCode(name)).toBe(-15)
    }
    for (const name of PRODUCERS) expect(run.start(name).daemon).toBe(false)
    expectExitCodes(run, { 'producer-1': 0, 'producer-2': 0, 'consumer-1': -15, 'consumer-2': -15, 'consumer-3': -15, MainProcess: 0 })
  })

  it('producer-consumer-pipe: consumers get EOFError once every producer (and main) closed the send end', async () => {
    const run = await runLab({ scenario: 'producer-consumer-pipe' })
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    expectEachEatenOnce(run)
    for (const name of CONSUMERS) expect(run.lines(name).at(-1)).toBe(`${name}: EOFError, every producer has closed the pipe; going home`)
    expect(exitCodesFromMain(run)).toEqual(allZero)
    expectExitCodes(run, allZero)
    // The send end (1) was closed by main and both producers; EOF on the receive end (0) came after the last of them.
    const closes = run.events.filter((e): e is EventOf<'pipe.close'> => e.kind === 'pipe.close' && e.end === 1)
    const nameOf = new Map(run.starts.map((s) => [s.lid, s.name]))
    expect(closes.map((e) => nameOf.get(e.lid)).sort()).toEqual(['MainProcess', ...PRODUCERS].sort())
    const eof = run.events.filter((e) => e.kind === 'pipe.eof' && e.end === 0)
    expect(eof).toHaveLength(1)
    expect(eof[0]!.seq).toBeGreaterThan(Math.max(...closes.map((e) => e.seq)))
  })
})
