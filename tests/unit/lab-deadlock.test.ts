// Deadlocks named on real processes: the deadlocking scenarios get one deadlock.found naming their
// cycle (processes and the locks they wait for), cleared when main terminates them; the fixed
// dining philosophers never get one. The locks are shared-memory Locks (the default), so this also
// covers holds the broker learns only from the lock word; one run repeats it on the broker's own Locks.
import { describe, expect, it } from 'vitest'
import type { EventOf, LabEvent } from '../../src-shared/events'
import { cliHome } from '../helpers/cli'
import { runLab, type RunResult } from '../helpers/lab'

function deadlocks(run: RunResult) {
  const of = <K extends 'deadlock.found' | 'deadlock.cleared'>(kind: K) => run.events.filter((e): e is EventOf<K> => e.kind === kind)
  return { found: of('deadlock.found'), cleared: of('deadlock.cleared') }
}

/** The names the run gave its processes and objects, for reading a cycle. */
function names(events: LabEvent[]) {
  const process = new Map<string, string>()
  const object = new Map<string, string>()
  for (const e of events) {
    if (e.kind === 'process.start') process.set(e.lid, e.name)
    if (e.kind === 'object.create') object.set(e.object, e.name)
  }
  return { process: (lid: string) => process.get(lid), object: (oid: string) => object.get(oid) }
}

describe('deadlocks named in the lab', () => {
  it('deadlock-two-locks: worker-1 waits for lock-b held by worker-2, which waits for lock-a; cleared when main terminates them', async () => {
    const run = await runLab({ scenario: 'deadlock-two-locks' })
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const { found, cleared } = deadlocks(run)
    expect(found).toHaveLength(1)
    const name = names(run.events)
    const cycle = found[0]!.cycle.map((link) => `${name.process(link.lid)} → ${name.object(link.waitsFor)}`)
    expect(cycle).toEqual(['worker-1 → lock-b', 'worker-2 → lock-a'])
    expect(found[0]!.stuck).toEqual([])
    expect(cleared).toEqual([expect.objectContaining({ deadlock: found[0]!.deadlock, reason: 'gone' })])
    // Named while the processes were still in it: before main said so and terminated them.
    const said = run.events.find((e) => e.kind === 'stdout' && e.line.includes('deadlock'))!
    expect(found[0]!.seq).toBeLessThan(said.seq)
    expect(cleared[0]!.seq).toBeGreaterThan(said.seq)
  })

  it('deadlock-two-locks without shared memory (PROCLAB_SHARED_MEMORY=off): the broker’s own Locks, the same cycle', async () => {
    process.env.PROCLAB_SHARED_MEMORY = 'off'
    try {
      const run = await runLab({ scenario: 'deadlock-two-locks' })
      expect(run.end.ok, run.end.error ?? '').toBe(true)
      const { found, cleared } = deadlocks(run)
      const name = names(run.events)
      expect(found.map((f) => f.cycle.map((link) => `${name.process(link.lid)} → ${name.object(link.waitsFor)}`))).toEqual([['worker-1 → lock-b', 'worker-2 → lock-a']])
      expect(cleared).toHaveLength(1)
    } finally {
      delete process.env.PROCLAB_SHARED_MEMORY
    }
  })

  it('dining-philosophers: one cycle of all five, each waiting for the fork of the next', async () => {
    const run = await runLab({ scenario: 'dining-philosophers' })
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const { found, cleared } = deadlocks(run)
    expect(found).toHaveLength(1)
    const name = names(run.events)
    expect(found[0]!.cycle.map((link) => `${name.process(link.lid)} → ${name.object(link.waitsFor)}`)).toEqual([
      'philosopher-0 → fork-1',
      'philosopher-1 → fork-2',
      'philosopher-2 → fork-3',
      'philosopher-3 → fork-4',
      'philosopher-4 → fork-0',
    ])
    expect(cleared.map((c) => c.deadlock)).toEqual([found[0]!.deadlock])
  })

  it('dining-philosophers-fixed: everyone eats and no deadlock is ever reported', async () => {
    const run = await runLab({ scenario: 'dining-philosophers-fixed' })
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    // The forks were contended: waits happened, and none of them was called a deadlock.
    expect(run.events.filter((e) => e.kind === 'lock.request').length).toBeGreaterThan(0)
    expect(run.events.some((e) => e.kind === 'lock.acquire' && e.waitedUs > 0)).toBe(true)
    expect(deadlocks(run).found).toEqual([])
    for (let i = 0; i < 5; i++) expect(run.exitCode(`philosopher-${i}`)).toBe(0)
  })
})

describe('deadlocks named by proclab run', () => {
  it('prints the cycle with the names of the processes and locks, even with -q', async () => {
    const home = cliHome()
    try {
      const result = await home.run(['run', 'dining-philosophers', '-q'])
      expect(result.code, result.stderr).toBe(0)
      expect(result.stdout).toContain('⚠ deadlock ')
      expect(result.stdout).toMatch(
        /deadlock \d+: philosopher-0 waits for fork-1, held by philosopher-1; philosopher-1 waits for fork-2, held by philosopher-2; philosopher-2 waits for fork-3, held by philosopher-3; philosopher-3 waits for fork-4, held by philosopher-4; philosopher-4 waits for fork-0, held by philosopher-0\n/,
      )
    } finally {
      home.cleanup()
    }
  })
})
