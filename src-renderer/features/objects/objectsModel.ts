// The current run's shared objects (locks, queues, pipes, ...) as the UI shows them, folded from
// the host's events in order. Plain data and pure functions: the store folds a frame into a
// non-reactive model (a reactive proxy costs ~50x per event) and then publishes a copy of each
// object the frame touched. Anything that grows with the number of events (depth series, holds,
// rate buckets) is bounded here, because a fast run sends hundreds of thousands of them.
import type { FrameEvent, LabEvent, ManagerEntry, SharedObjectType } from '../../../src-shared/events'
import { LockFold, type LockSpan } from '../../../src-shared/folds/locks'
import { QUEUE_TYPES, QueueFold, type QueueState } from '../../../src-shared/folds/queues'
import { PipeFold, type PipeState } from '../../../src-shared/folds/pipes'
import type { Waiter } from '../../../src-shared/folds/blocked'

export type LockType = 'lock' | 'rlock' | 'semaphore' | 'bounded-semaphore'
export type QueueType = 'queue' | 'joinable-queue' | 'simple-queue'

const LOCK_TYPES: readonly string[] = ['lock', 'rlock', 'semaphore', 'bounded-semaphore'] satisfies LockType[]

/** Depth samples kept per queue; older history is thinned (extremes kept) to stay under it. */
export const MAX_DEPTH_SAMPLES = 2_000
/** Completed holds kept per lock, newest last: enough to see the hand-offs, not a log. */
export const MAX_HOLDS = 50
/** Rate window and its resolution: puts/gets per second over the last second, in 100 ms steps. */
export const RATE_WINDOW_US = 1_000_000
const RATE_SLOT_US = 100_000

/** Log-scale wait buckets: upper bounds in µs; the last bucket is open-ended. */
export const WAIT_BUCKETS: readonly { label: string; upToUs: number }[] = [
  { label: '< 1 ms', upToUs: 1_000 },
  { label: '1–10 ms', upToUs: 10_000 },
  { label: '10–100 ms', upToUs: 100_000 },
  { label: '100 ms–1 s', upToUs: 1_000_000 },
  { label: '≥ 1 s', upToUs: Infinity },
]

export interface ObjectInfo {
  id: string
  name: string
  type: SharedObjectType
  /** Semaphore value, queue maxsize or barrier parties; null when it has none (or is unbounded). */
  capacity: number | null
  creatorLid: string
  creatorPid: number
  createdT: number
}

export interface ProcessAt {
  lid: string
  pid: number
  /** When it started holding or waiting (session µs). */
  since: number
}

export interface HoldRecord {
  lid: string
  pid: number
  start: number
  end: number
  /** Its holder died holding it and ProcLab released it. */
  abandoned: boolean
}

export interface LockModel extends ObjectInfo {
  family: 'lock'
  holders: ProcessAt[]
  /** In request order, as the broker serves them. */
  waiting: ProcessAt[]
  requests: number
  acquires: number
  releases: number
  timeouts: number
  abandoned: number
  /** Holds counted but not reported one by one (a shared-memory Lock used faster than it could report): in acquires/releases, not in holds. */
  summarised: number
  /** Most processes holding it at one moment: 1 for a Lock that did its job. */
  peakHolders: number
  /** Acquires per WAIT_BUCKETS bucket. */
  waitCounts: number[]
  maxWaitUs: number
  totalWaitUs: number
  holds: HoldRecord[]
  /**
   * How many waited, over time (a step series: `depth` is the number waiting from `t` on), for the
   * contention heat bar. Shared between published copies like a queue's samples: read it through
   * `revision`.
   */
  contention: DepthSample[]
  peakWaiting: number
  revision: number
}

export interface DepthSample {
  t: number
  depth: number
}

export interface RateSlot {
  slot: number
  count: number
}

export interface QueueModel extends ObjectInfo {
  family: 'queue'
  depth: number
  peak: number
  puts: number
  gets: number
  fulls: number
  empties: number
  lastT: number
  /** Shared between published copies (too big to copy every frame): read them through `revision`. */
  samples: DepthSample[]
  putSlots: RateSlot[]
  getSlots: RateSlot[]
  revision: number
  /** Blocked now (from the queue fold): in get() on an empty queue, in put() on a full one, in a JoinableQueue's join(). */
  getters: ProcessAt[]
  putters: ProcessAt[]
  joiners: ProcessAt[]
  /**
   * While the run is paused (issue 17): its first items as the host previews them (object.items,
   * sent at the pause and after each step) and how many it holds in all; null when not paused.
   */
  items: ObjectItems | null
}

export interface PipeDirection {
  sent: number
  received: number
  bytesSent: number
  bytesReceived: number
  /** Some message of this direction carried a byte count (sendBytes); plain send() reports none. */
  sizedSends: number
  /** Nobody holds the sending end any more: its reader gets EOF once it has taken everything. */
  eof: boolean
  eofT: number | null
}

export interface PipeModel extends ObjectInfo {
  family: 'pipe'
  /** dirs[0]: end 0 → end 1; dirs[1]: end 1 → end 0. */
  dirs: [PipeDirection, PipeDirection]
  /** pipe.close events per end: each is one process dropping its hold of that end. */
  closes: [number, number]
  /** No process holds the end any more (known from the EOF it caused). */
  closed: [boolean, boolean]
  /** Blocked now (from the pipe fold): in recv() with nothing to read, in send() with the ring full. */
  receivers: ProcessAt[]
  senders: ProcessAt[]
  /**
   * While the run is paused (issue 17): the messages on their way to each end (index: the end they
   * go to), the first as the host previews them (object.items) and how many; null when not paused.
   */
  items: [ObjectItems | null, ObjectItems | null] | null
}

/** A paused object's first items or messages as the host previews them, and how many there are in all. */
export interface ObjectItems {
  previews: string[]
  total: number
}

/**
 * A Value or an Array: its numbers live in shared memory, so the UI sees totals the broker read
 * from there (value.counts), not one event per access; and its lock's abandonments.
 */
export interface ValueModel extends ObjectInfo {
  family: 'value'
  /** Elements (1 for a Value). */
  length: number
  reads: number
  writes: number
  /** Holds of its getLock(), and how many of them found it taken first. */
  acquires: number
  contended: number
  abandoned: number
  /** When the counts were last read (session µs), or null before the first report. */
  countedT: number | null
}

/**
 * A Manager's dict, list or Namespace: its contents as of the latest write (each write event
 * carries them, previews of the first entries), and counts of the calls it served.
 */
export interface ProxyModel extends ObjectInfo {
  family: 'proxy'
  entries: ManagerEntry[]
  /** Entries it holds, and how many of them the latest write left out of `entries`. */
  size: number
  more: number
  reads: number
  writes: number
  refused: number
  /** The latest call: its method, what it touched, who made it, and whether the broker refused it. */
  last: { op: string; key: string | null; lid: string; pid: number; refused: boolean } | null
  /** Its Manager was shut down: the data is gone and every later call is refused. */
  shut: boolean
}

/**
 * A Pool (issue 16): its workers and its tasks, counted in tasks (one call of the function) from
 * its pool.* events; a summary's counts go straight to done and failed.
 */
export interface PoolModel extends ObjectInfo {
  family: 'pool'
  /** Worker processes alive now (started by the pool, not yet exited), by lid. */
  workerLids: string[]
  workersStarted: number
  /** Replaced after maxTasksPerChild chunks, or after they exited. */
  replaced: { maxTasksPerChild: number; exited: number }
  queued: number
  running: number
  done: number
  failed: number
  chunks: number
  /** The last chunk size asked for (map's chunkSize, or Python's default), or null before any work. */
  chunkSize: number | null
  /** The latest failure's message, or null. */
  lastError: string | null
  state: 'run' | 'close' | 'terminate'
  /** Started chunks not ended yet: their task counts by chunk number (bookkeeping, not shown). */
  open: Record<number, number>
  /**
   * Children of the pool's owner that exited (bookkeeping): a worker's pool.worker comes in the
   * owner's next report, which a short-lived worker's process.exit can overtake.
   */
  exited: Record<string, true>
}

export interface OtherModel extends ObjectInfo {
  family: 'other'
}

export type SharedObjectModel = LockModel | QueueModel | PipeModel | ValueModel | ProxyModel | PoolModel | OtherModel

export interface ObjectsModel {
  runId: string | null
  objects: Record<string, SharedObjectModel>
  /** Object ids in creation order. */
  order: string[]
  lastSeq: number
  /** Bumped when a new run starts over: everything published before is stale. */
  generation: number
  /** Who waits for and holds each lock (its public face: the model sits in a Pinia store). */
  locks: Pick<LockFold, 'apply' | 'openOf'>
  /** Each queue's depth, counts and waiters; the cards' QueueModel is a copy (see syncQueue). */
  queues: Pick<QueueFold, 'apply' | 'get'>
  /** Each pipe's counts, ends and waiters; the cards' PipeModel is a copy (see syncPipe). */
  pipes: Pick<PipeFold, 'apply' | 'get'>
}

export function emptyObjects(): ObjectsModel {
  const model = blankObjects() as ObjectsModel
  attachFolds(model)
  return model
}

/** The model's plain fields; its folds are bound to the model they fill (attachFolds). */
function blankObjects(): Omit<ObjectsModel, 'locks' | 'queues' | 'pipes'> {
  return { runId: null, objects: {}, order: [], lastSeq: -1, generation: 0 }
}

function attachFolds(model: ObjectsModel): void {
  model.locks = lockFoldFor(model)
  model.queues = queueFoldFor(model)
  model.pipes = pipeFoldFor(model)
}

/** The queue fold's depth moves and puts/gets, as the cards' depth chart and rates. */
function queueFoldFor(model: ObjectsModel): ObjectsModel['queues'] {
  const queueOf = (state: QueueState): QueueModel | null => {
    const queue = model.objects[state.object]
    return queue?.family === 'queue' ? queue : null
  }
  return new QueueFold({
    depth: (state, t) => {
      const queue = queueOf(state)
      if (!queue) return
      queue.samples.push({ t, depth: state.depth })
      if (queue.samples.length > MAX_DEPTH_SAMPLES) queue.samples = thinSamples(queue.samples)
    },
    moved: (state, op, n, t) => {
      const queue = queueOf(state)
      if (queue) countInSlot(op === 'put' ? queue.putSlots : queue.getSlots, t, n)
    },
    // New lists only when they change: a busy queue's puts and gets copy nothing.
    waiters: (state) => {
      const queue = queueOf(state)
      if (!queue) return
      queue.getters = processesAt(state.getters)
      queue.putters = processesAt(state.putters)
      queue.joiners = processesAt(state.joiners)
    },
  })
}

function pipeFoldFor(model: ObjectsModel): ObjectsModel['pipes'] {
  return new PipeFold({
    waiters: (state) => {
      const pipe = model.objects[state.object]
      if (pipe?.family !== 'pipe') return
      pipe.receivers = processesAt(state.receivers)
      pipe.senders = processesAt(state.senders)
    },
  })
}

function processesAt(waiters: readonly Waiter[]): ProcessAt[] {
  return waiters.map((w) => ({ lid: w.lid, pid: w.pid, since: w.since }))
}

/** The card's copy of what the queue fold knows. */
function syncQueue(queue: QueueModel, state: QueueState): void {
  const { depth, peak, puts, gets, fulls, empties } = state
  Object.assign(queue, { depth, peak, puts, gets, fulls, empties, lastT: Math.max(queue.lastT, state.lastT) })
  queue.revision++
}

/** The card's copy of what the pipe fold knows (in place: publishObject copies it once a frame). */
function syncPipe(pipe: PipeModel, state: PipeState): void {
  for (const end of [0, 1] as const) {
    Object.assign(pipe.dirs[end], state.dirs[end])
    pipe.closes[end] = state.closes[end]
    pipe.closed[end] = state.closed[end]
  }
}

/** Copies the queue and pipe folds' state of `ids` into their cards; adds those it changed to `touched`. */
function syncFolded(model: ObjectsModel, ids: readonly string[], touched?: Set<string>): void {
  for (const id of ids) {
    const obj = model.objects[id]
    if (obj?.family === 'queue') {
      const state = model.queues.get(id)
      if (state) syncQueue(obj, state)
    } else if (obj?.family === 'pipe') {
      const state = model.pipes.get(id)
      if (state) syncPipe(obj, state)
    } else continue
    touched?.add(id)
  }
}

/** The lock fold's spans, as the lock cards' waiting, holders and recent holds. */
function lockFoldFor(model: ObjectsModel): ObjectsModel['locks'] {
  const lockOf = (span: LockSpan): LockModel | null => {
    const lock = model.objects[span.object]
    return lock?.family === 'lock' ? lock : null
  }
  return new LockFold({
    opened: (span) => {
      const lock = lockOf(span)
      if (!lock) return
      const at: ProcessAt = { lid: span.lid, pid: span.pid, since: span.start }
      if (span.kind === 'wait') return void lock.waiting.push(at)
      lock.holders.push(at)
      lock.peakHolders = Math.max(lock.peakHolders, lock.holders.length)
    },
    closed: (span) => {
      const lock = lockOf(span)
      if (!lock) return
      const list = span.kind === 'wait' ? lock.waiting : lock.holders
      const index = list.findIndex((p) => p.lid === span.lid && p.since === span.start)
      if (index !== -1) list.splice(index, 1)
      if (span.kind === 'wait') return
      lock.holds.push({ lid: span.lid, pid: span.pid, start: span.start, end: span.end ?? span.start, abandoned: span.outcome === 'abandoned' })
      if (lock.holds.length > MAX_HOLDS) lock.holds.splice(0, lock.holds.length - MAX_HOLDS)
    },
    relabeled: (span) => {
      const hold = lockOf(span)?.holds.findLast((h) => h.lid === span.lid && h.start === span.start)
      if (hold) hold.abandoned = true
    },
  })
}

/**
 * A copy of one object for the UI. A new top-level object (and new small arrays) each time, so
 * every computed and prop that reads it sees the change; the depth series is shared, and `revision`
 * tells its readers it moved.
 */
export function publishObject(obj: SharedObjectModel): SharedObjectModel {
  switch (obj.family) {
    case 'lock':
      return { ...obj, holders: obj.holders.slice(), waiting: obj.waiting.slice(), waitCounts: obj.waitCounts.slice(), holds: obj.holds.slice() }
    case 'queue':
      return { ...obj }
    case 'pool':
      return { ...obj, workerLids: obj.workerLids.slice(), replaced: { ...obj.replaced } }
    case 'pipe':
      // The waiter lists are new arrays whenever they change (see pipeFoldFor): sharing them is safe.
      return { ...obj, dirs: [{ ...obj.dirs[0] }, { ...obj.dirs[1] }], closes: [...obj.closes], closed: [...obj.closed], items: obj.items && [obj.items[0], obj.items[1]] }
    case 'proxy':
      // Entries are replaced whole by each write, never changed in place: sharing them is safe.
      return { ...obj }
    default:
      return { ...obj }
  }
}

export function resetObjects(model: ObjectsModel): void {
  Object.assign(model, blankObjects(), { generation: model.generation + 1 })
  attachFolds(model)
}

export function waitBucket(us: number): number {
  const index = WAIT_BUCKETS.findIndex((b) => us < b.upToUs)
  return index === -1 ? WAIT_BUCKETS.length - 1 : index
}

function create(event: Extract<LabEvent, { kind: 'object.create' }>): SharedObjectModel {
  const info: ObjectInfo = { id: event.object, name: event.name, type: event.type, capacity: event.capacity, creatorLid: event.lid, creatorPid: event.pid, createdT: event.t }
  if (LOCK_TYPES.includes(event.type)) {
    return { ...info, family: 'lock', holders: [], waiting: [], requests: 0, acquires: 0, releases: 0, timeouts: 0, abandoned: 0, summarised: 0, peakHolders: 0, waitCounts: WAIT_BUCKETS.map(() => 0), maxWaitUs: 0, totalWaitUs: 0, holds: [], contention: [{ t: event.t, depth: 0 }], peakWaiting: 0, revision: 0 }
  }
  if (QUEUE_TYPES.includes(event.type)) {
    return {
      ...info,
      family: 'queue',
      depth: 0,
      peak: 0,
      puts: 0,
      gets: 0,
      fulls: 0,
      empties: 0,
      lastT: event.t,
      samples: [{ t: event.t, depth: 0 }],
      putSlots: [],
      getSlots: [],
      revision: 0,
      getters: [],
      putters: [],
      joiners: [],
      items: null,
    }
  }
  if (event.type === 'pipe') {
    const dir = (): PipeDirection => ({ sent: 0, received: 0, bytesSent: 0, bytesReceived: 0, sizedSends: 0, eof: false, eofT: null })
    return { ...info, family: 'pipe', dirs: [dir(), dir()], closes: [0, 0], closed: [false, false], receivers: [], senders: [], items: null }
  }
  if (event.type === 'value' || event.type === 'array') {
    return { ...info, family: 'value', length: event.capacity ?? 1, reads: 0, writes: 0, acquires: 0, contended: 0, abandoned: 0, countedT: null }
  }
  if (event.type === 'dict' || event.type === 'list' || event.type === 'namespace') {
    return { ...info, family: 'proxy', entries: [], size: 0, more: 0, reads: 0, writes: 0, refused: 0, last: null, shut: false }
  }
  if (event.type === 'pool') {
    return { ...info, family: 'pool', workerLids: [], workersStarted: 0, replaced: { maxTasksPerChild: 0, exited: 0 }, queued: 0, running: 0, done: 0, failed: 0, chunks: 0, chunkSize: null, lastError: null, state: 'run', open: {}, exited: {} }
  }
  return { ...info, family: 'other' }
}

/** Folds one event in; adds the id of every object it changed to `touched`. */
export function applyObjectEvent(model: ObjectsModel, event: FrameEvent, touched?: Set<string>): void {
  if (event.kind === 'output.gap' || event.seq <= model.lastSeq) return
  model.lastSeq = event.seq

  if (event.kind === 'run.start') {
    const lastSeq = model.lastSeq
    resetObjects(model)
    Object.assign(model, { lastSeq, runId: event.runId })
    touched?.clear()
    return
  }
  // A UI that connected mid-run may not have seen run.start: the first event of a run names it.
  if (model.runId === null && event.runId !== null) model.runId = event.runId
  if (event.runId !== model.runId) return

  switch (event.kind) {
    case 'object.create':
      if (!model.objects[event.object]) model.order.push(event.object)
      model.objects[event.object] = create(event)
      model.locks.apply(event)
      model.queues.apply(event)
      model.pipes.apply(event)
      touched?.add(event.object)
      return
    case 'process.exit': {
      // What it still waited for or held ends with it (the fold says which locks).
      const ended = new Set(model.locks.openOf(event.lid).map((span) => span.object))
      model.locks.apply(event)
      for (const id of ended) {
        const obj = model.objects[id]
        if (obj?.family !== 'lock') continue
        noteWaiting(obj, event.t)
        touched?.add(id)
      }
      // And whatever queue or pipe it was blocked on.
      syncFolded(model, [...model.queues.apply(event), ...model.pipes.apply(event)], touched)
      // A worker of a pool (a child of the pool's owner) is gone from its pool's card.
      for (const id of model.order) {
        const obj = model.objects[id]
        if (obj?.family === 'pool' && event.lid.startsWith(`${obj.creatorLid}.`)) {
          obj.exited[event.lid] = true
          obj.workerLids = obj.workerLids.filter((lid) => lid !== event.lid)
          touched?.add(id)
        }
      }
      return
    }
    case 'lock.request':
    case 'lock.acquire':
    case 'lock.release':
    case 'lock.timeout':
    case 'lock.cancel':
    case 'lock.abandoned':
    case 'lock.summary': {
      const lock = model.objects[event.object]
      if (lock?.family === 'value' && event.kind === 'lock.abandoned') {
        lock.abandoned++
        touched?.add(event.object)
        return
      }
      if (lock?.family !== 'lock') return
      model.locks.apply(event)
      countLock(lock, event)
      noteWaiting(lock, event.t)
      touched?.add(event.object)
      return
    }
    case 'queue.put':
    case 'queue.get':
    case 'queue.full':
    case 'queue.empty':
      if (model.objects[event.object]?.family !== 'queue') return
      return syncFolded(model, model.queues.apply(event), touched)
    case 'pipe.send':
    case 'pipe.recv':
    case 'pipe.close':
    case 'pipe.eof':
      if (model.objects[event.object]?.family !== 'pipe') return
      return syncFolded(model, model.pipes.apply(event), touched)
    // The paused view (issue 17): a queue's first items, until the run goes on.
    case 'object.items': {
      const object = model.objects[event.object]
      const items = { previews: event.items.slice(), total: event.total }
      if (object?.family === 'queue' && event.part === null) object.items = items
      else if (object?.family === 'pipe' && (event.part === 0 || event.part === 1)) {
        // A new array: a published copy keeps the one it showed.
        const both: NonNullable<PipeModel['items']> = object.items ? [object.items[0], object.items[1]] : [null, null]
        both[event.part] = items
        object.items = both
      } else return
      touched?.add(event.object)
      return
    }
    case 'run.resumed':
    case 'run.end':
      for (const id of model.order) {
        const object = model.objects[id]
        if ((object?.family !== 'queue' && object?.family !== 'pipe') || object.items === null) continue
        object.items = null
        touched?.add(id)
      }
      return
    case 'process.wait':
    case 'process.resume':
      // Who is blocked on a queue or a pipe (a lock's waits are its own events).
      return syncFolded(model, [...model.queues.apply(event), ...model.pipes.apply(event)], touched)
    case 'value.counts': {
      const value = model.objects[event.object]
      if (value?.family !== 'value') return
      // Totals, not increments: the latest report replaces the one before.
      Object.assign(value, { reads: event.reads, writes: event.writes, acquires: event.acquires, contended: event.contended, countedT: event.t })
      touched?.add(event.object)
      return
    }
    case 'manager.read':
    case 'manager.write':
    case 'manager.refused': {
      const proxy = model.objects[event.object]
      if (proxy?.family !== 'proxy') return
      applyManager(proxy, event)
      touched?.add(event.object)
      return
    }
    case 'pool.queued':
    case 'pool.start':
    case 'pool.done':
    case 'pool.failed':
    case 'pool.summary':
    case 'pool.worker':
    case 'pool.close': {
      const pool = model.objects[event.object]
      if (pool?.family !== 'pool') return
      applyPool(pool, event)
      touched?.add(event.object)
      return
    }
    default:
      return
  }
}

export type PoolEvent = Extract<LabEvent, { kind: 'pool.queued' | 'pool.start' | 'pool.done' | 'pool.failed' | 'pool.summary' | 'pool.worker' | 'pool.close' }>

/** Tasks move queued → running → done or failed; a chunk that never started fails straight from queued. */
export function applyPool(pool: PoolModel, event: PoolEvent): void {
  switch (event.kind) {
    case 'pool.queued':
      pool.queued += event.tasks
      pool.chunkSize = event.chunkSize
      return
    case 'pool.start':
      pool.queued -= event.tasks
      pool.running += event.tasks
      pool.open[event.chunk] = event.tasks
      return
    case 'pool.done':
    case 'pool.failed': {
      const started = pool.open[event.chunk] !== undefined
      delete pool.open[event.chunk]
      if (started) pool.running -= event.tasks
      else pool.queued -= event.tasks
      pool.chunks++
      if (event.kind === 'pool.done') pool.done += event.tasks
      else {
        pool.failed += event.tasks
        pool.lastError = event.error
      }
      return
    }
    case 'pool.summary':
      // Chunks that started and ended between two reports: straight from queued.
      pool.queued -= event.done + event.failed
      pool.done += event.done
      pool.failed += event.failed
      pool.chunks += event.chunks
      if (event.error !== null) pool.lastError = event.error
      return
    case 'pool.worker':
      pool.workersStarted++
      if (!pool.workerLids.includes(event.lid) && !pool.exited[event.lid]) pool.workerLids.push(event.lid)
      if (event.reason) pool.replaced[event.reason]++
      return
    case 'pool.close':
      pool.state = event.terminated ? 'terminate' : 'close'
      return
  }
}


type ManagerEvent = Extract<LabEvent, { kind: 'manager.read' | 'manager.write' | 'manager.refused' }>

function applyManager(proxy: ProxyModel, event: ManagerEvent): void {
  proxy.last = { op: event.op, key: event.key, lid: event.lid, pid: event.pid, refused: event.kind === 'manager.refused' }
  switch (event.kind) {
    case 'manager.read':
      proxy.reads++
      return
    case 'manager.refused':
      proxy.refused++
      return
    case 'manager.write':
      // Contents, not a change: the latest write says what it holds, whatever came before.
      proxy.writes++
      // Absent: the same entries as the write before (only the size or what follows them moved).
      if (event.entries) proxy.entries = event.entries
      proxy.size = event.size
      proxy.more = event.more
      if (event.op === 'shutdown') proxy.shut = true
      return
  }
}

type LockEvent = Extract<LabEvent, { kind: 'lock.request' | 'lock.acquire' | 'lock.release' | 'lock.timeout' | 'lock.cancel' | 'lock.abandoned' | 'lock.summary' }>

/** The lock card's counts; who waits and holds comes from the lock fold (see lockFoldFor). */
function countLock(lock: LockModel, event: LockEvent): void {
  switch (event.kind) {
    case 'lock.request':
      lock.requests++
      return
    case 'lock.acquire': {
      lock.acquires++
      lock.waitCounts[waitBucket(event.waitedUs)]!++
      lock.totalWaitUs += event.waitedUs
      lock.maxWaitUs = Math.max(lock.maxWaitUs, event.waitedUs)
      return
    }
    case 'lock.timeout':
      lock.timeouts++
      return
    case 'lock.cancel':
      return
    case 'lock.summary':
      // Exact counts of holds that were not reported one by one.
      lock.requests += event.acquires
      lock.acquires += event.acquires
      lock.releases += event.releases
      lock.summarised += event.acquires
      return
    case 'lock.release':
      lock.releases++
      return
    case 'lock.abandoned':
      lock.abandoned++
      return
  }
}

/** Adds a contention sample when the number waiting changed (thinned like depth samples). */
function noteWaiting(lock: LockModel, t: number): void {
  lock.revision++
  const waiting = lock.waiting.length
  const last = lock.contention[lock.contention.length - 1]
  if (last && last.depth === waiting) return
  lock.peakWaiting = Math.max(lock.peakWaiting, waiting)
  lock.contention.push({ t, depth: waiting })
  if (lock.contention.length > MAX_DEPTH_SAMPLES) lock.contention = thinSamples(lock.contention)
}

/**
 * The contention heat bar's cells: the time [from, to] cut into `cells` equal slices, each with
 * the most processes that waited at once within it and the time-weighted mean.
 */
export function contentionCells(samples: readonly DepthSample[], from: number, to: number, cells: number): Array<{ max: number; mean: number }> {
  const out = Array.from({ length: cells }, () => ({ max: 0, mean: 0 }))
  const width = Math.max(1, to - from) / cells
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!
    const end = Math.min(to, samples[i + 1]?.t ?? to)
    const start = Math.max(from, s.t)
    if (end < start || s.depth === 0) continue
    const first = Math.min(cells - 1, Math.floor((start - from) / width))
    // A step that ends exactly on a cell's edge does not reach into that cell.
    const last = Math.max(first, Math.min(cells - 1, Math.ceil((end - from) / width) - 1))
    for (let c = first; c <= last; c++) {
      const cell = out[c]!
      const overlap = Math.min(end, from + (c + 1) * width) - Math.max(start, from + c * width)
      if (overlap <= 0 && end > start) continue
      cell.max = Math.max(cell.max, s.depth)
      cell.mean += (s.depth * Math.max(0, overlap)) / width
    }
  }
  return out
}


function countInSlot(slots: RateSlot[], t: number, n = 1): void {
  const slot = Math.floor(t / RATE_SLOT_US)
  const last = slots[slots.length - 1]
  if (last && last.slot === slot) last.count += n
  else slots.push({ slot, count: n })
  const keepFrom = slot - RATE_WINDOW_US / RATE_SLOT_US
  while (slots.length > 0 && slots[0]!.slot < keepFrom) slots.shift()
}

/** Events per second over the window ending at `nowUs`. */
export function ratePerSecond(slots: readonly RateSlot[], nowUs: number): number {
  const from = Math.floor((nowUs - RATE_WINDOW_US) / RATE_SLOT_US)
  let count = 0
  for (const s of slots) if (s.slot > from) count += s.count
  return count / (RATE_WINDOW_US / 1e6)
}

/**
 * Halves the series by keeping, of each run of four samples, the lowest and the highest (in time
 * order): peaks such as "it reached maxsize" survive any amount of thinning.
 */
export function thinSamples(samples: DepthSample[]): DepthSample[] {
  const first = samples[0]
  const last = samples[samples.length - 1]
  if (!first || !last || samples.length < 8) return samples
  const out: DepthSample[] = [first]
  for (let i = 1; i < samples.length - 1; i += 4) {
    const group = samples.slice(i, Math.min(i + 4, samples.length - 1))
    let lo = group[0]!
    let hi = group[0]!
    for (const s of group) {
      if (s.depth < lo.depth) lo = s
      if (s.depth > hi.depth) hi = s
    }
    if (lo === hi) out.push(lo)
    else out.push(...(lo.t <= hi.t ? [lo, hi] : [hi, lo]))
  }
  out.push(last)
  return out
}

/** Object ids look like `3/7`: safe for an id attribute, but kept plain for selectors and idrefs. */
export function domId(objectId: string): string {
  return objectId.replace(/[^\w-]/g, '_')
}
