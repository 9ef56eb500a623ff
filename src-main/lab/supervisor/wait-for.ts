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

/** The snapshot indexed once per look: what each process waits for, each object, each pid. */
interface Graph {
  waitsOn: Map<string, string[]>
  byObject: Map<string, LockWaitState>
  pidOf: Map<string, number>
}

function indexed(objects: readonly LockWaitState[]): Graph {
  const pidOf = new Map<string, number>()
  for (const o of objects) for (const w of [...o.holders, ...o.waiters]) pidOf.set(w.lid, w.pid)
  return { waitsOn: waitMap(objects), byObject: new Map(objects.map((o) => [o.object, o])), pidOf }
}

/** The deadlocked process that deadlocked `lid` waits for (through the first object it waits for). */
function nextInWalk(lid: string, graph: Graph, deadlocked: ReadonlySet<string>): { link: DeadlockLink; holder: string } {
  // Every object a deadlocked process waits for is held by deadlocked processes only.
  const object = graph.waitsOn.get(lid)![0]!
  const holder = graph.byObject.get(object)!.holders.find((h) => deadlocked.has(h.lid))!.lid
  return { link: { lid, pid: graph.pidOf.get(lid) ?? 0, waitsFor: object }, holder }
}

/**
 * From deadlocked process `start`, follows waits until a process repeats (`cycleAt`: where its
 * cycle starts in `path`) or one in `known` is reached (`reached`: that process; the path leads
 * to a deadlock known already).
 */
function walk(start: string, graph: Graph, deadlocked: ReadonlySet<string>, known: ReadonlyMap<string, unknown>): { path: DeadlockLink[]; cycleAt: number; reached: string | null } {
  const path: DeadlockLink[] = []
  const seen = new Map<string, number>()
  let lid = start
  while (!seen.has(lid)) {
    if (known.has(lid)) return { path, cycleAt: -1, reached: lid }
    seen.set(lid, path.length)
    const { link, holder } = nextInWalk(lid, graph, deadlocked)
    path.push(link)
    lid = holder
  }
  return { path, cycleAt: seen.get(lid)!, reached: null }
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
  /** Its cycle's processes and every process found waiting behind it: no walk starts from them again. */
  covered: Set<string>
}

/**
 * The deadlocks found so far and not yet over. One is reported once, when its cycle forms, and
 * ends (cleared) as soon as a process of its cycle stops waiting: it died or was killed ('gone'),
 * or its wait ended otherwise ('resumed': a timeout, or a release by a process outside the cycle).
 * Processes that come to wait behind an open deadlock later are not reported again.
 */
export class DeadlockWatch {
  private readonly active = new Map<number, Active>()
  private next = 1

  /** `gone`: lids of processes that ended since the last update. */
  update(objects: readonly LockWaitState[], gone: ReadonlySet<string> = new Set()): Array<Found | Cleared> {
    const deadlocked = deadlockedSet(objects)
    const out: Array<Found | Cleared> = this.clearEnded(objects, deadlocked, gone)
    // Which open deadlock each deadlocked process belongs to (its cycle, or waiting behind it).
    const owner = new Map<string, Active>()
    for (const deadlock of this.active.values()) for (const lid of deadlock.covered) if (deadlocked.has(lid)) owner.set(lid, deadlock)
    if (owner.size === deadlocked.size) return out
    const graph = indexed(objects)
    const fresh = new Map<number, Found>()
    for (const lid of deadlocked) {
      if (owner.has(lid)) continue
      const { path, cycleAt, reached } = walk(lid, graph, deadlocked, owner)
      if (reached !== null) {
        const behind = owner.get(reached)!
        for (const link of path) {
          behind.covered.add(link.lid)
          owner.set(link.lid, behind)
          fresh.get(behind.id)?.stuck.push(link.lid)
        }
        continue
      }
      const cycle = fromFirstProcess(path.slice(cycleAt))
      const found: Found = { kind: 'deadlock.found', deadlock: this.next++, cycle, stuck: path.slice(0, cycleAt).map((link) => link.lid) }
      const deadlock: Active = { id: found.deadlock, cycle, covered: new Set(path.map((link) => link.lid)) }
      this.active.set(deadlock.id, deadlock)
      for (const link of path) owner.set(link.lid, deadlock)
      fresh.set(deadlock.id, found)
      out.push(found)
    }
    return out
  }

  /** The open deadlocks one of whose cycle's processes no longer waits for good. */
  private clearEnded(objects: readonly LockWaitState[], deadlocked: ReadonlySet<string>, gone: ReadonlySet<string>): Cleared[] {
    const waiting = new Set(objects.flatMap((o) => o.waiters.map((w) => w.lid)))
    const out: Cleared[] = []
    for (const [id, deadlock] of this.active) {
      // The one that died, if one did, or whose wait ended: that is what ended the others' waits.
      const left =
        deadlock.cycle.find((link) => gone.has(link.lid)) ?? deadlock.cycle.find((link) => !waiting.has(link.lid)) ?? deadlock.cycle.find((link) => !deadlocked.has(link.lid))
      if (!left) continue
      this.active.delete(id)
      out.push({ kind: 'deadlock.cleared', deadlock: id, by: left.lid, reason: gone.has(left.lid) ? 'gone' : 'resumed' })
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
