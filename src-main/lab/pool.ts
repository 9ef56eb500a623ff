// Pool: Python's multiprocessing.Pool over real lab processes, built on the public Process and
// Pipe. The pool keeps the chunks to do in this process and hands one to each idle worker over
// that worker's own Pipe; so it knows which chunk each worker holds, and when a worker ends (killed,
// crashed, or done with maxTasksPerChild chunks) its Pipe reaches EOF after its last answer: the chunk
// it still held is rejected (Python would hang there) and a new worker takes its place.
import { availableParallelism } from 'node:os'
import { Pipe, type Connection } from './connection'
import { labContext } from './context'
import { ProcessError } from './errors'
import { onEndChildren } from './lifecycle'
import { labPaths } from './paths'
import { PoolTelemetry, type ChunkSpan } from './pool-telemetry'
import { receiveMessage, sendMessage, type ChunkMessage, type ResultMessage, type WorkerError, type WorkerSetup } from './pool-worker'
import { childLid, Process } from './process'
import type { TargetRef } from './protocol'
import { notExportedMessage, startedWhileImportingMessage, targetRefFor } from './reduction'

export interface PoolOptions {
  /** An exported function each worker calls once before taking work (Python's initializer). */
  initializer?: (...args: never[]) => unknown
  initargs?: unknown[]
  /** A worker ends and is replaced after this many chunks (Python's maxtasksperchild); default: never. */
  maxTasksPerChild?: number
  /** Workers are named `${name}-1`, `${name}-2`, ...; default `PoolWorker`. */
  name?: string
}

type Fn = (...args: never[]) => unknown

/** Python's multiprocessing.TimeoutError: AsyncResult.get(ms) found no result in time. */
export class TimeoutError extends Error {
  override name = 'TimeoutError'
}

/** What a chunk's caller waits on: its values, or the first error of its calls. */
interface Chunk {
  id: number
  fn: TargetRef
  /** One per call: its argument, or its argument list when `star`. */
  args: unknown[]
  star: boolean
  /** Its time in a worker, for the UI: set when it is handed to one. */
  span: ChunkSpan | null
  settle: (outcome: { ok: true; values: unknown[] } | { ok: false; error: Error }) => void
}

interface Worker {
  process: Process
  /** Its lid and pid once started (the UI's name for it). */
  ref: { lid: string; pid: number } | null
  conn: Connection | null
  /**
   * The chunks sent to it and not answered, oldest first (at most IN_FLIGHT). It runs them in order
   * and answers each before starting the next, so when it dies only the first can have started.
   */
  chunks: Chunk[]
  /** Chunks sent to it, to stop sending once maxTasksPerChild is reached (the worker then ends). */
  sent: number
  /** A sentinel was sent: it ends once it reads it. */
  stopping: boolean
}

type PoolState = 'run' | 'close' | 'terminate'

/** Counts of what the pool did, for tests and the UI. */
export interface PoolStats {
  workers: number
  queued: number
  running: number
  done: number
  failed: number
  /** Chunks sent to workers (one message each). */
  chunksSent: number
  /** Workers started, replacements included. */
  workersStarted: number
}

let workerNumber = 0
/**
 * Chunks a worker holds at most. A second one waiting in its Pipe did not raise the chunkSize-1
 * throughput measurably (2,170 vs 2,090 tasks/s: each message's trip through the broker is the
 * cost), and a chunk queued behind a busy worker could wait while another worker idles: so one.
 */
const IN_FLIGHT = 1

export class Pool {
  readonly processes: number
  readonly name: string
  private state: PoolState = 'run'
  private readonly workers = new Set<Worker>()
  private readonly queue: Chunk[] = []
  private readonly setup: WorkerSetup
  private nextChunkId = 1
  /** A worker could not start, or its initializer threw: every task fails with this from then on. */
  private broken: Error | null = null
  private counts = { done: 0, failed: 0, chunksSent: 0, workersStarted: 0 }
  private joined: { promise: Promise<void>; resolve: () => void }
  /** What the UI is told: the broker's pool object, fed in batches. */
  private readonly telemetry: PoolTelemetry

  constructor(processes?: number, options: PoolOptions = {}) {
    if (processes === undefined || processes === null) processes = availableParallelism()
    if (!Number.isInteger(processes) || processes < 1) throw new RangeError(`new Pool(processes): processes must be a whole number of at least 1, got ${String(processes)}`)
    checkOptions(options)
    // A pool made by the script's top-level code would be made again in each worker, which imports the script.
    const context = labContext()
    if (context.namespace === null) throw new ProcessError(startedWhileImportingMessage('A Pool', context.script))
    this.processes = processes
    this.name = options.name ?? 'PoolWorker'
    this.setup = {
      initializer: options.initializer ? functionRef(options.initializer, 'Pool initializer', 'initializer') : null,
      initargs: options.initargs ?? [],
      maxTasks: options.maxTasksPerChild ?? null,
    }
    this.telemetry = new PoolTelemetry(options.name, processes, this.setup.maxTasks)
    let resolve!: () => void
    this.joined = { promise: new Promise<void>((r) => (resolve = r)), resolve }
    // A pool still running when the script's work is done is terminated, as Python's finalizer does.
    const forget = onEndChildren(() => this.terminate())
    void this.joined.promise.then(forget)
    for (let i = 0; i < processes; i++) this.startWorker()
  }

  /** The worker processes running now (replacements appear here as they start). */
  get pool(): readonly Process[] {
    return [...this.workers].map((worker) => worker.process)
  }

  stats(): PoolStats {
    const running = [...this.workers].filter((worker) => worker.chunks.length > 0).length
    const waiting = [...this.workers].reduce((sum, worker) => sum + Math.max(0, worker.chunks.length - 1), 0)
    return { workers: this.workers.size, queued: this.queue.length + waiting, running, ...this.counts }
  }

  /** Calls fn(...args) in a worker and resolves with what it returns. */
  apply<F extends Fn>(fn: F, args: Parameters<F> | unknown[] = []): Promise<Awaited<ReturnType<F>>> {
    return this.applyAsync(fn, args).get()
  }

  /** Python's apply_async: starts the call and returns its AsyncResult at once. */
  applyAsync<F extends Fn>(fn: F, args: Parameters<F> | unknown[] = []): AsyncResult<Awaited<ReturnType<F>>> {
    if (!Array.isArray(args)) throw new TypeError(`Pool.apply(fn, args): args must be an array, got ${typeof args}`)
    const ref = this.check(fn, 'apply')
    this.telemetry.queued(1, 1, 1)
    return new AsyncResult(this.submit(ref, [args], true).then((values) => values[0] as Awaited<ReturnType<F>>))
  }

  /** fn(item) for each item, in a worker each chunk; resolves with the results in order, or rejects with the first error. */
  map<F extends Fn>(fn: F, items: Iterable<Parameters<F>[0]>, chunkSize?: number): Promise<Awaited<ReturnType<F>>[]> {
    return this.mapAsync(fn, items, chunkSize).get()
  }

  /** Python's map_async. */
  mapAsync<F extends Fn>(fn: F, items: Iterable<Parameters<F>[0]>, chunkSize?: number): AsyncResult<Awaited<ReturnType<F>>[]> {
    const ref = this.check(fn, 'map')
    return new AsyncResult(this.gather(ref, [...items], false, chunkSize) as Promise<Awaited<ReturnType<F>>[]>)
  }

  /** fn(...args) for each argument list (Python's starmap). */
  starMap<F extends Fn>(fn: F, argLists: Iterable<Parameters<F> | unknown[]>, chunkSize?: number): Promise<Awaited<ReturnType<F>>[]> {
    return this.starMapAsync(fn, argLists, chunkSize).get()
  }

  starMapAsync<F extends Fn>(fn: F, argLists: Iterable<Parameters<F> | unknown[]>, chunkSize?: number): AsyncResult<Awaited<ReturnType<F>>[]> {
    const ref = this.check(fn, 'starMap')
    const calls = [...argLists].map((args, index) => {
      if (!Array.isArray(args)) throw new TypeError(`Pool.starMap: item ${index} must be an array of arguments, got ${typeof args}`)
      return args as unknown[]
    })
    return new AsyncResult(this.gather(ref, calls, true, chunkSize) as Promise<Awaited<ReturnType<F>>[]>)
  }

  /** Results in the order of the items, each as soon as it and those before it are done (chunkSize 1 by default, as in Python). */
  imap<F extends Fn>(fn: F, items: Iterable<Parameters<F>[0]>, chunkSize = 1): AsyncIterableIterator<Awaited<ReturnType<F>>> {
    const ref = this.check(fn, 'imap')
    const chunks = this.submitAll(ref, [...items], false, checkChunkSize(chunkSize))
    return (async function* inOrder() {
      for (const chunk of chunks) yield* (await chunk) as Awaited<ReturnType<F>>[]
    })()
  }

  /** Results in the order they are done. */
  imapUnordered<F extends Fn>(fn: F, items: Iterable<Parameters<F>[0]>, chunkSize = 1): AsyncIterableIterator<Awaited<ReturnType<F>>> {
    const ref = this.check(fn, 'imapUnordered')
    const chunks = this.submitAll(ref, [...items], false, checkChunkSize(chunkSize))
    return (async function* asDone() {
      const pending = new Map(chunks.map((chunk, index) => [index, quiet(chunk.then((values) => ({ index, values })))]))
      while (pending.size > 0) {
        const { index, values } = await Promise.race(pending.values())
        pending.delete(index)
        yield* values as Awaited<ReturnType<F>>[]
      }
    })()
  }

  /** No more work may be submitted; the workers end once what was submitted is done. */
  close(): void {
    if (this.state === 'run') {
      this.state = 'close'
      this.telemetry.closed(false)
    }
    for (const worker of this.workers) this.feed(worker)
    this.checkJoined()
  }

  /** Ends the workers now; work not done rejects. */
  terminate(): void {
    if (this.state === 'terminate') return
    this.state = 'terminate'
    this.telemetry.closed(true)
    const stopped = new ProcessError('the pool was terminated before this task was done')
    for (const chunk of this.queue.splice(0)) this.fail(chunk, stopped)
    for (const worker of this.workers) {
      for (const chunk of worker.chunks.splice(0)) this.fail(chunk, stopped)
      // A worker still starting gets the signal once it has a pid (Process.terminate does that).
      worker.process.terminate()
    }
    this.checkJoined()
  }

  /** Waits for every worker to end; call close() or terminate() first. */
  async join(): Promise<void> {
    if (this.state === 'run') throw new ProcessError('Pool.join(): the pool is still running; call close() or terminate() first')
    await this.joined.promise
  }

  /** `await using pool = new Pool()` ends the pool at the end of the block, as Python's `with Pool()` does: terminate, then join. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.terminate()
    await this.join()
  }

  toString(): string {
    return `<Pool ${this.name} processes=${this.processes} state=${this.state}>`
  }

  private check(fn: Fn, method: string): TargetRef {
    if (this.state !== 'run') throw new ProcessError(`Pool.${method}(): the pool is not running (it was ${this.state === 'close' ? 'closed' : 'terminated'})`)
    return functionRef(fn, `Pool.${method} function`, 'fn')
  }

  private gather(ref: TargetRef, args: unknown[], star: boolean, chunkSize: number | undefined): Promise<unknown[]> {
    // Python's default: about four chunks per worker.
    const size = chunkSize === undefined ? Math.max(1, Math.ceil(args.length / (this.processes * 4))) : checkChunkSize(chunkSize)
    return Promise.all(this.submitAll(ref, args, star, size)).then((parts) => parts.flat())
  }

  private submitAll(ref: TargetRef, args: unknown[], star: boolean, size: number): Promise<unknown[]>[] {
    const chunks: Promise<unknown[]>[] = []
    this.telemetry.queued(args.length, Math.ceil(args.length / size), size)
    for (let start = 0; start < args.length; start += size) chunks.push(quiet(this.submit(ref, args.slice(start, start + size), star)))
    return chunks
  }

  private submit(fn: TargetRef, args: unknown[], star: boolean): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      const chunk: Chunk = { id: this.nextChunkId++, fn, args, star, span: null, settle: (outcome) => (outcome.ok ? resolve(outcome.values) : reject(outcome.error)) }
      if (this.broken) return this.fail(chunk, this.broken)
      this.queue.push(chunk)
      for (const worker of this.workers) this.feed(worker)
    })
  }

  private startWorker(replacing: { lid: string; reason: 'maxTasksPerChild' | 'exited' } | null = null): void {
    const name = `${this.name}-${++workerNumber}`
    // Named for its worker: its card in the UI shows that worker's chunks going out and results back.
    const [mine, theirs] = Pipe({ name: `${name} tasks` })
    const process = new Process({
      target: { module: labPaths().apiUrl, export: 'poolWorker' },
      args: [theirs, this.setup],
      name,
      // As in Python: a worker never outlives the process that made the pool.
      daemon: true,
    })
    const worker: Worker = { process, ref: null, conn: null, chunks: [], sent: 0, stopping: false }
    this.workers.add(worker)
    this.counts.workersStarted++
    process.start().then(
      async () => {
        // Only the worker holds its end now, so its end (or death) is EOF here.
        await theirs.close()
        worker.ref = { lid: childLid(process), pid: process.pid ?? 0 }
        this.telemetry.worker(worker.ref, replacing?.lid ?? null, replacing?.reason ?? null)
        worker.conn = mine
        void this.readFrom(worker)
        this.feed(worker)
      },
      (error: unknown) => {
        this.breakPool(error instanceof Error ? error : new ProcessError(String(error)))
        this.workers.delete(worker)
        this.checkJoined()
      },
    )
  }

  /** Hands the worker its next chunk, or the sentinel once the pool is closed and nothing is left. */
  private feed(worker: Worker): void {
    while (worker.chunks.length < IN_FLIGHT && this.sendNext(worker));
  }

  /** Sends one chunk (or, closed with nothing left, the sentinel); false when there is nothing to send. */
  private sendNext(worker: Worker): boolean {
    const conn = worker.conn
    if (!conn || worker.stopping || this.state === 'terminate') return false
    if (this.setup.maxTasks !== null && worker.sent >= this.setup.maxTasks) return false
    const chunk = this.queue.shift()
    if (!chunk) {
      if (this.state === 'close' && worker.chunks.length === 0) {
        worker.stopping = true
        void sendMessage(conn, null).catch(() => undefined)
      }
      return false
    }
    worker.chunks.push(chunk)
    chunk.span = this.telemetry.started(worker.ref!, chunk.id, chunk.args.length)
    worker.sent++
    this.counts.chunksSent++
    const message: ChunkMessage = { id: chunk.id, fn: chunk.fn, args: chunk.args, star: chunk.star }
    sendMessage(conn, message).catch((error: unknown) => {
      // An argument structured clone refuses: that chunk fails (it never reached the worker).
      const at = worker.chunks.indexOf(chunk)
      if (at < 0) return
      worker.chunks.splice(at, 1)
      worker.sent--
      this.counts.chunksSent--
      this.fail(chunk, error instanceof Error ? error : new ProcessError(String(error)))
      this.feed(worker)
    })
    return true
  }

  private async readFrom(worker: Worker): Promise<void> {
    const conn = worker.conn!
    for (;;) {
      let message: ResultMessage
      try {
        message = (await receiveMessage(conn)) as ResultMessage
      } catch {
        break // EOF: the worker has ended
      }
      if (!message.ok && message.id === -1) {
        this.breakPool(remoteError(message.error, worker, 'in the initializer of'))
        continue
      }
      const chunk = worker.chunks[0]
      if (!chunk || chunk.id !== message.id) continue
      worker.chunks.shift()
      if (message.ok) {
        this.counts.done += chunk.args.length
        if (chunk.span) this.telemetry.ended(chunk.span, null)
        chunk.settle({ ok: true, values: message.values })
      } else {
        this.fail(chunk, remoteError(message.error, worker, 'in'))
      }
      this.feed(worker)
    }
    await this.workerEnded(worker)
  }

  private async workerEnded(worker: Worker): Promise<void> {
    const conn = worker.conn
    worker.conn = null // nothing more is sent to it
    void conn?.close().catch(() => undefined)
    await worker.process.join()
    // Counted until its exit is seen, so join() returns only once every worker process has ended.
    this.workers.delete(worker)
    const [running, ...notStarted] = worker.chunks.splice(0)
    // Chunks it had not started go back to the front of the line, for another worker. (With
    // IN_FLIGHT 1 there are none. Were there any, their spans would end here as failed and the UI
    // would count them so: a 'handed back' event is needed before IN_FLIGHT grows.)
    for (const chunk of notStarted) if (chunk.span) this.telemetry.ended(chunk.span, 'handed back: its worker ended before starting it')
    for (const chunk of notStarted) chunk.span = null
    this.queue.unshift(...notStarted)
    for (const other of this.workers) this.feed(other)
    if (running && this.broken) this.fail(running, this.broken)
    else if (running) {
      const { name, pid, exitCode } = worker.process
      const how = exitCode !== null && exitCode < 0 ? `was ended by signal ${-exitCode}` : `exited with code ${String(exitCode)}`
      this.fail(running, new ProcessError(`pool worker ${name} (pid ${String(pid)}) ${how} while running this task; the pool has started a new worker in its place`))
    }
    if (this.needsWorker()) {
      const tired = this.setup.maxTasks !== null && worker.sent >= this.setup.maxTasks
      this.startWorker(worker.ref && { lid: worker.ref.lid, reason: tired ? 'maxTasksPerChild' : 'exited' })
    }
    this.checkJoined()
  }

  /** A worker that ended is replaced while the pool runs, and after close() while work is left. */
  private needsWorker(): boolean {
    if (this.broken || this.state === 'terminate') return false
    return this.state === 'run' || this.queue.length > 0
  }

  private breakPool(error: Error): void {
    if (!this.broken) this.broken = error
    for (const chunk of this.queue.splice(0)) this.fail(chunk, error)
  }

  private fail(chunk: Chunk, error: Error): void {
    this.counts.failed += chunk.args.length
    if (chunk.span) this.telemetry.ended(chunk.span, error.message)
    else this.telemetry.failedUnstarted(chunk.id, chunk.args.length, error.message)
    chunk.settle({ ok: false, error })
  }

  private checkJoined(): void {
    if (this.state !== 'run' && this.workers.size === 0) {
      // The pool's last news goes now: the script may end right after join().
      this.telemetry.report()
      this.joined.resolve()
    }
  }
}

/**
 * Python's AsyncResult. get() is a promise of the result (or rejects with the task's error, or
 * TimeoutError after `timeoutMs`); ready() and successful() answer at once.
 */
export class AsyncResult<T> {
  private outcome: { ok: true; value: T } | { ok: false; error: unknown } | null = null
  private readonly settled: Promise<T>

  constructor(result: Promise<T>) {
    this.settled = quiet(result)
    result.then(
      (value) => (this.outcome = { ok: true, value }),
      (error: unknown) => (this.outcome = { ok: false, error }),
    )
  }

  /** The result; rejects with the task's error, or with TimeoutError when `timeoutMs` passes first (the task goes on). */
  get(timeoutMs?: number): Promise<T> {
    if (timeoutMs === undefined) return this.settled
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new TimeoutError(`no result within ${timeoutMs} ms`)), timeoutMs)))
    return Promise.race([this.settled, timeout]).finally(() => clearTimeout(timer))
  }

  /** Waits until the result is there, at most `timeoutMs`; never rejects. */
  async wait(timeoutMs?: number): Promise<void> {
    await this.get(timeoutMs).catch(() => undefined)
  }

  ready(): boolean {
    return this.outcome !== null
  }

  /** Whether the call returned without error; throws if it is not ready yet (as Python does). */
  successful(): boolean {
    if (!this.outcome) throw new ProcessError('AsyncResult.successful(): the result is not ready yet')
    return this.outcome.ok
  }
}

/** The worker's error, rebuilt here with its message and the worker's stack. */
function remoteError(error: WorkerError, worker: Worker, where: string): Error {
  const Builtin = (globalThis as Record<string, unknown>)[error.name]
  const rebuilt = typeof Builtin === 'function' && (Builtin === Error || Builtin.prototype instanceof Error) ? new (Builtin as ErrorConstructor)(error.message) : new Error(error.message)
  if (rebuilt.name !== error.name) rebuilt.name = error.name
  const { name, pid } = worker.process
  rebuilt.stack = `${error.stack ?? `${error.name}: ${error.message}`}\n    ${where} pool worker ${name} (pid ${String(pid)})`
  return rebuilt
}

function functionRef(fn: Fn, what: string, optionKey: string): TargetRef {
  if (typeof fn !== 'function') throw new TypeError(`${what} must be an exported function of the lab script, got ${typeof fn}`)
  const context = labContext()
  if (context.namespace === null) throw new ProcessError(startedWhileImportingMessage('A Pool', context.script))
  const ref = targetRefFor(context.namespace, context.scriptUrl, fn, 'function')
  if (!ref) throw new TypeError(notExportedMessage({ what, optionKey, value: fn, script: context.script }))
  return ref
}

function checkChunkSize(chunkSize: number): number {
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new RangeError(`chunkSize must be a whole number of at least 1, got ${String(chunkSize)}`)
  return chunkSize
}

function checkOptions(options: PoolOptions): void {
  if (typeof options !== 'object' || options === null) throw new TypeError('new Pool(n, options): options must be an object')
  const { initializer, initargs, maxTasksPerChild, name } = options
  if (initializer !== undefined && typeof initializer !== 'function') throw new TypeError(`Pool option 'initializer' must be an exported function, got ${typeof initializer}`)
  if (initargs !== undefined && !Array.isArray(initargs)) throw new TypeError(`Pool option 'initargs' must be an array, got ${typeof initargs}`)
  if (maxTasksPerChild !== undefined && maxTasksPerChild !== null && (!Number.isInteger(maxTasksPerChild) || maxTasksPerChild < 1)) {
    throw new RangeError(`Pool option 'maxTasksPerChild' must be a whole number of at least 1, got ${String(maxTasksPerChild)}`)
  }
  if (name !== undefined && typeof name !== 'string') throw new TypeError(`Pool option 'name' must be a string, got ${typeof name}`)
}

/** The same promise, marked handled: a result nobody asks for must not crash the process as an unhandled rejection. */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined)
  return promise
}
