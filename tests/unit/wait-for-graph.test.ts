// The broker's wait-for graph (supervisor/wait-for.ts) over the broker's real lock objects: random
// workloads that cannot deadlock (every process takes locks in one order) never report one, random
// workloads in any order report exactly the processes left waiting forever, and each kind of cycle
// is named with its links.
import { describe, expect, it } from 'vitest'
import type { SharedObjectType } from '../../src-shared/events'
import type { Caller, ObjectEnv } from '../../src-main/lab/supervisor/objects/base'
import { SemaphoreObject } from '../../src-main/lab/supervisor/objects/semaphore'
import { DeadlockWatch, deadlockedSet, type LockWaitState } from '../../src-main/lab/supervisor/wait-for'
import { seededRandom } from '../helpers/seeded-random'

type LockKind = Extract<SharedObjectType, 'lock' | 'rlock' | 'semaphore' | 'bounded-semaphore'>

const env: ObjectEnv = { emit: () => {}, warn: () => {}, lookup: () => undefined, now: () => 0, processWithPid: () => undefined }

function proc(n: number): Caller {
  return { lid: `r1.${n}`, pid: 100 + n, push: () => {} }
}

function lock(n: number, type: LockKind = 'lock', value = 1): SemaphoreObject {
  return new SemaphoreObject(`r1/${n}`, type, `L${n}`, value, env)
}

function states(locks: readonly SemaphoreObject[]): LockWaitState[] {
  return locks.map((l) => l.waitState()).filter((s): s is LockWaitState => s !== null)
}

type Op = { acquire: number } | { release: number }

interface Worker {
  caller: Caller
  ops: Op[]
  at: number
  waiting: boolean
  alive: boolean
}

/**
 * Rounds of "take some locks, let them all go" per process. `ordered`: each round takes its locks in
 * the one global order (an RLock may be entered twice), which can never deadlock.
 */
function workload(random: () => number, lockCount: number, ordered: boolean, locks: readonly SemaphoreObject[]): Op[] {
  const ops: Op[] = []
  for (let round = 0; round < 1 + Math.floor(random() * 4); round++) {
    let chosen = Array.from({ length: lockCount }, (_, i) => i).filter(() => random() < 0.6)
    if (!ordered) chosen = chosen.sort(() => random() - 0.5)
    const taken: number[] = []
    for (const i of chosen) {
      ops.push({ acquire: i })
      taken.push(i)
      if (locks[i]!.type === 'rlock' && random() < 0.3) {
        ops.push({ acquire: i })
        taken.push(i)
      }
    }
    for (const i of taken.sort(() => random() - 0.5)) ops.push({ release: i })
  }
  return ops
}

/** Runs one random workload step by step, looking at the graph after every step as the broker does. */
function run(seed: number, ordered: boolean, deaths: boolean) {
  const random = seededRandom(seed)
  const kinds: LockKind[] = ['lock', 'rlock', 'semaphore', 'bounded-semaphore']
  const locks = Array.from({ length: 2 + Math.floor(random() * 4) }, (_, i) => {
    const type = kinds[Math.floor(random() * kinds.length)]!
    return lock(i + 1, type, type.endsWith('semaphore') ? 1 + Math.floor(random() * 2) : 1)
  })
  const workers: Worker[] = Array.from({ length: 2 + Math.floor(random() * 5) }, (_, i) => ({ caller: proc(i + 1), ops: workload(random, locks.length, ordered, locks), at: 0, waiting: false, alive: true }))
  const watch = new DeadlockWatch()
  const found: Array<{ step: number; lids: string[] }> = []
  const cleared: number[] = []
  let step = 0
  const look = (gone: Set<string> = new Set()) => {
    for (const change of watch.update(states(locks), gone)) {
      if (change.kind === 'deadlock.found') found.push({ step, lids: [...change.cycle.map((l) => l.lid), ...change.stuck] })
      else cleared.push(change.deadlock)
    }
  }
  for (; step < 400; step++) {
    const ready = workers.filter((w) => w.alive && !w.waiting && w.at < w.ops.length)
    if (ready.length === 0) break
    const w = ready[Math.floor(random() * ready.length)]!
    if (deaths && random() < 0.02) {
      w.alive = false
      for (const l of locks) l.processGone(w.caller.lid)
      look(new Set([w.caller.lid]))
      continue
    }
    const op = w.ops[w.at]!
    if ('acquire' in op) {
      w.waiting = true
      locks[op.acquire]!.acquire(w.caller, null, () => {
        w.waiting = false
        w.at++
      })
    } else {
      expect(locks[op.release]!.release(w.caller)).toBeNull()
      w.at++
    }
    look()
  }
  const blocked = workers.filter((w) => w.alive && w.waiting).map((w) => w.caller.lid)
  return { found, cleared, blocked, locks }
}

describe('wait-for graph: no false alarms', () => {
  it('reports no deadlock in 3000 random workloads that take their locks in one order', () => {
    for (let seed = 1; seed <= 3000; seed++) {
      const { found, blocked } = run(seed, true, seed % 2 === 0)
      expect(found, `seed ${seed}`).toEqual([])
      // And the workload did finish: nothing was left waiting.
      expect(blocked, `seed ${seed}`).toEqual([])
    }
  })

  it('in 1500 random workloads in any order, names only processes that wait forever, and those that do', () => {
    let deadlocks = 0
    for (let seed = 1; seed <= 1500; seed++) {
      const { found, cleared, blocked, locks } = run(seed, false, false)
      // Nothing else can run at the end: every process still waiting waits forever, and the graph says so.
      expect([...deadlockedSet(states(locks))].sort(), `seed ${seed}`).toEqual([...blocked].sort())
      // Every process a report named (found at any step) was still waiting at the end: none was a false alarm.
      for (const f of found) for (const lid of f.lids) expect(blocked, `seed ${seed}, step ${f.step}`).toContain(lid)
      // No timeouts or deaths here: nothing ends a deadlock, and one is open exactly when processes are stuck.
      expect(cleared, `seed ${seed}`).toEqual([])
      expect(found.length > 0, `seed ${seed}`).toBe(blocked.length > 0)
      deadlocks += found.length
    }
    // The workloads do deadlock often enough for the checks above to mean something.
    expect(deadlocks).toBeGreaterThan(100)
  })
})

describe('wait-for graph: each kind of cycle', () => {
  /** Takes `holds` (process → locks, in order) then queues the `waits`; returns the watch's first report. */
  function cycleOf(locks: SemaphoreObject[], holds: Array<[number, number[]]>, waits: Array<[number, number]>) {
    for (const [p, ls] of holds) for (const l of ls) locks[l]!.acquire(proc(p), null, () => {})
    const watch = new DeadlockWatch()
    for (const [p, l] of waits) locks[l]!.acquire(proc(p), null, () => {})
    return { watch, changes: watch.update(states(locks)) }
  }

  it('two processes, two locks in opposite order', () => {
    const locks = [lock(1), lock(2)]
    const { changes } = cycleOf(locks, [[1, [0]], [2, [1]]], [[1, 1], [2, 0]])
    expect(changes).toEqual([
      {
        kind: 'deadlock.found',
        deadlock: 1,
        cycle: [
          { lid: 'r1.1', pid: 101, waitsFor: 'r1/2' },
          { lid: 'r1.2', pid: 102, waitsFor: 'r1/1' },
        ],
        stuck: [],
      },
    ])
  })

  it('three processes around three locks, with a fourth stuck behind them', () => {
    const locks = [lock(1), lock(2), lock(3)]
    const { changes } = cycleOf(locks, [[1, [0]], [2, [1]], [3, [2]]], [[4, 0], [1, 1], [2, 2], [3, 0]])
    expect(changes).toHaveLength(1)
    const found = changes[0]!
    if (found.kind !== 'deadlock.found') throw new Error('expected a deadlock')
    expect(found.cycle.map((l) => `${l.lid}>${l.waitsFor}`).sort()).toEqual(['r1.1>r1/2', 'r1.2>r1/3', 'r1.3>r1/1'])
    expect(found.stuck).toEqual(['r1.4'])
  })

  it('a semaphore of value 1 and a lock', () => {
    const locks = [lock(1, 'semaphore', 1), lock(2)]
    const { changes } = cycleOf(locks, [[1, [0]], [2, [1]]], [[1, 1], [2, 0]])
    expect(changes.map((c) => c.kind)).toEqual(['deadlock.found'])
  })

  it('an RLock entered twice and a lock', () => {
    const locks = [lock(1, 'rlock'), lock(2)]
    const { changes } = cycleOf(locks, [[1, [0, 0]], [2, [1]]], [[1, 1], [2, 0]])
    expect(changes.map((c) => c.kind)).toEqual(['deadlock.found'])
  })

  it('a process taking a Lock it holds (a cycle of one), but not an RLock it holds', () => {
    const locks = [lock(1), lock(2, 'rlock')]
    const { changes } = cycleOf(locks, [[1, [0, 1]]], [[1, 1], [1, 0]])
    expect(changes).toEqual([{ kind: 'deadlock.found', deadlock: 1, cycle: [{ lid: 'r1.1', pid: 101, waitsFor: 'r1/1' }], stuck: [] }])
  })

  it('no deadlock while a running process holds one of a semaphore’s slots', () => {
    const locks = [lock(1, 'semaphore', 2), lock(2)]
    // 1 and 3 hold the semaphore, 2 the lock; 1 waits for the lock, 2 for the semaphore: 3 runs and can release.
    const { changes } = cycleOf(locks, [[1, [0]], [3, [0]], [2, [1]]], [[1, 1], [2, 0]])
    expect(changes).toEqual([])
    expect(deadlockedSet(states(locks)).size).toBe(0)
  })

  it('two separate cycles are two deadlocks; a process that comes to wait behind one later is not a third', () => {
    const locks = [lock(1), lock(2), lock(3), lock(4)]
    const { watch, changes } = cycleOf(locks, [[1, [0]], [2, [1]], [3, [2]], [4, [3]]], [[1, 1], [2, 0], [3, 3], [4, 2]])
    expect(changes.map((c) => (c.kind === 'deadlock.found' ? c.cycle.map((l) => l.lid) : c.kind))).toEqual([
      ['r1.1', 'r1.2'],
      ['r1.3', 'r1.4'],
    ])
    locks[0]!.acquire(proc(5), null, () => {})
    expect(watch.update(states(locks))).toEqual([])
    // Ending the first leaves the second open.
    for (const l of locks) l.processGone('r1.1')
    expect(watch.update(states(locks), new Set(['r1.1']))).toEqual([{ kind: 'deadlock.cleared', deadlock: 1, by: 'r1.1', reason: 'gone' }])
  })

  it('ends once: resumed when a member’s wait ends, gone when a member dies', () => {
    const locks = [lock(1), lock(2)]
    const { watch } = cycleOf(locks, [[1, [0]], [2, [1]]], [[1, 1], [2, 0]])
    locks[0]!.processGone('r1.1')
    locks[1]!.processGone('r1.1')
    expect(watch.update(states(locks), new Set(['r1.1']))).toEqual([{ kind: 'deadlock.cleared', deadlock: 1, by: 'r1.1', reason: 'gone' }])
    expect(watch.update(states(locks))).toEqual([])

    const again = [lock(1), lock(2)]
    again[0]!.acquire(proc(1), null, () => {})
    again[1]!.acquire(proc(2), null, () => {})
    const second = new DeadlockWatch()
    again[1]!.acquire(proc(1), 60_000, () => {})
    again[0]!.acquire(proc(2), null, () => {})
    expect(second.update(states(again)).map((c) => c.kind)).toEqual(['deadlock.found'])
    // A release by a process outside the cycle (Python lets any process release a Lock) frees 2.
    expect(again[0]!.release(proc(3))).toBeNull()
    expect(second.update(states(again))).toEqual([{ kind: 'deadlock.cleared', deadlock: 1, by: 'r1.2', reason: 'resumed' }])
  })
})
