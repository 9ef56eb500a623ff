// The wait-for graph of the lab's lock-like objects (Lock, RLock, Semaphore, BoundedSemaphore, a
// shared-memory Lock, a Condition's lock): which process waits for which object and which
// processes hold it. Pure: the broker hands it a snapshot of the objects that have waiters, and it
// says which deadlocks began and which ended.
//
// A waiter of an object gets it as soon as ANY holder releases (a semaphore's holders each give
// one back), and a process waiting on several objects at once (an async script) goes on when ANY
// of them is granted. So a cycle in the graph is not enough: a set of waiters is deadlocked when
// every object each of them waits for is held, and held only by processes of the set. That set is
// found as a fixed point (start from every waiter, drop those that can still be served), which
// never names a process that a live, running process could serve. An object nobody holds (a
// semaphore used as a signal, with value 0) is never part of a deadlock: anyone may release it.
import type { DeadlockLink, EventOf } from '../../../src-shared/events'

export interface Who {
  lid: string
  pid: number
}

/** One lock-like object as the broker sees it now. */
export interface LockWaitState {
  object: string
  holders: readonly Who[]
  waiters: readonly Who[]
}

/** The processes that wait and can never be served: every object they wait for is held only by such processes. */
export function deadlockedSet(objects: readonly LockWaitState[]): Set<string> {
  const waitsOn = waitMap(objects)
  const held = new Map(objects.map((o) => [o.object, o.holders]))
  const stuck = new Set(waitsOn.keys())
  for (let changed = true; changed; ) {
    changed = false
    for (const lid of stuck) {
      const servable = waitsOn.get(lid)!.some((object) => {
        const holders = held.get(object) ?? []
        return holders.length === 0 || holders.some((h) => !stuck.has(h.lid))
      })
      if (servable) {
        stuck.delete(lid)
        changed = true
      }
    }
  }
  return stuck
}

/** Per waiting process (by lid), the objects it waits for, in the snapshot's order. */
function waitMap(objects: readonly LockWaitState[]): Map<string, string[]> {
  const waitsOn = new Map<string, string[]>()
  for (const { object, waiters } of objects) {
    for (const { lid } of waiters) {
      const list = waitsOn.get(lid)
      if (list) list.push(object)
      else waitsOn.set(lid, [object])
    }
  }
  return waitsOn
}

/**
 * From deadlocked process `start`, follows waits (first object, first holder) until a process
 * repeats: the cycle it ends in, and the processes before it (stuck behind the cycle).
 */
export function walkToCycle(start: string, objects: readonly LockWaitState[], deadlocked: ReadonlySet<string>): { cycle: DeadlockLink[]; before: string[] } {
  const waitsOn = waitMap(objects)
  const byObject = new Map(objects.map((o) => [o.object, o]))
  const pidOf = new Map<string, number>()
  for (const o of objects) for (const w of [...o.holders, ...o.waiters]) pidOf.set(w.lid, w.pid)
  const path: DeadlockLink[] = []
  const seen = new Map<string, number>()
  let lid = start
  while (!seen.has(lid)) {
    seen.set(lid, path.length)
    // Every object a deadlocked process waits for is held by deadlocked processes only.
    const object = waitsOn.get(lid)![0]!
    path.push({ lid, pid: pidOf.get(lid) ?? 0, waitsFor: object })
    lid = byObject.get(object)!.holders.find((h) => deadlocked.has(h.lid))!.lid
  }
  const at = seen.get(lid)!
  return { cycle: fromFirstProcess(path.slice(at)), before: path.slice(0, at).map((link) => link.lid) }
}

/** A cycle told from its earliest-started process (lids number processes in start order): the same cycle always reads the same. */
function fromFirstProcess(cycle: DeadlockLink[]): DeadlockLink[] {
  let first = 0
  cycle.forEach((link, i) => {
    if (link.lid.localeCompare(cycle[first]!.lid, 'en', { numeric: true }) < 0) first = i
  })
  return [...cycle.slice(first), ...cycle.slice(0, first)]
}

type Found = Omit<EventOf<'deadlock.found'>, 'seq' | 't' | 'runId'>
type Cleared = Omit<EventOf<'deadlock.cleared'>, 'seq' | 't' | 'runId'>

interface Active {
  id: number
  cycle: DeadlockLink[]
}

/**
 * The deadlocks found so far and not yet over. One is reported once, when its cycle forms, and
 * ends (cleared) as soon as a process of its cycle stops waiting: it died or was killed ('gone'),
 * or its wait ended otherwise ('resumed': a timeout, or a release by a process outside the cycle).
 */
export class DeadlockWatch {
  private readonly active = new Map<number, Active>()
  private next = 1

  /** `gone`: lids of processes that ended since the last update. */
  update(objects: readonly LockWaitState[], gone: ReadonlySet<string> = new Set()): Array<Found | Cleared> {
    const deadlocked = deadlockedSet(objects)
    const waiting = new Set(objects.flatMap((o) => o.waiters.map((w) => w.lid)))
    const out: Array<Found | Cleared> = []
    const inCycles = new Set<string>()
    for (const [id, deadlock] of this.active) {
      // The one that died, if one did, or whose wait ended: that is what ended the others' waits.
      const left = deadlock.cycle.find((link) => gone.has(link.lid)) ?? deadlock.cycle.find((link) => !waiting.has(link.lid)) ?? deadlock.cycle.find((link) => !deadlocked.has(link.lid))
      if (left) {
        this.active.delete(id)
        out.push({ kind: 'deadlock.cleared', deadlock: id, by: left.lid, reason: gone.has(left.lid) ? 'gone' : 'resumed' })
      } else {
        for (const link of deadlock.cycle) inCycles.add(link.lid)
      }
    }
    const fresh = new Map<string, Found>()
    for (const lid of deadlocked) {
      if (inCycles.has(lid)) continue
      const { cycle, before } = walkToCycle(lid, objects, deadlocked)
      // Behind a deadlock reported before: nothing new.
      if (cycle.some((link) => inCycles.has(link.lid))) continue
      const key = cycleKey(cycle)
      const found = fresh.get(key)
      if (found) {
        for (const b of before) if (!found.stuck.includes(b)) found.stuck.push(b)
        continue
      }
      const event: Found = { kind: 'deadlock.found', deadlock: this.next++, cycle, stuck: [...before] }
      fresh.set(key, event)
      this.active.set(event.deadlock, { id: event.deadlock, cycle })
      out.push(event)
    }
    return out
  }

  /** Ends the open deadlocks whose cycle passes `test` (a run is over: its processes are gone). */
  clearWhere(test: (cycle: readonly DeadlockLink[]) => boolean): Cleared[] {
    const out: Cleared[] = []
    for (const [id, deadlock] of this.active) {
      if (!test(deadlock.cycle)) continue
      this.active.delete(id)
      out.push({ kind: 'deadlock.cleared', deadlock: id, by: deadlock.cycle[0]!.lid, reason: 'gone' })
    }
    return out
  }
}

/** The same cycle found from another start reads the same, whichever process it starts at. */
function cycleKey(cycle: readonly DeadlockLink[]): string {
  return cycle
    .map((link) => `${link.lid}>${link.waitsFor}`)
    .sort()
    .join('|')
}
