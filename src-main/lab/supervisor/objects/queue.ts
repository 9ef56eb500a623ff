// Queue, JoinableQueue and SimpleQueue in the broker: the items (an ItemChannel), processes
// waiting to put into a full bounded queue, and JoinableQueue's count of unfinished tasks.
// A queue in shared memory (`memory`) keeps its items there instead: the broker maps the segment
// (so an item whose put resolved is in memory the host holds), repairs it and frees its lock when
// a process dies holding it, keeps items too big for the ring (stashes), turns the processes'
// batches of operations into telemetry, and unlinks the segment at the end of the run.
import type { SharedObjectType } from '../../../../src-shared/events'
import { OP, type OpsBatch } from '../../queue-memory'
import { ItemQueueMemory } from '../../shm/item-queue'
import { SharedSegment, type SegmentAddress } from '../../shm/segment'
import { startTimer, timeoutArg, unknownMethod, type BrokerObject, type Call, type Caller, type ObjectContents, type ObjectEnv } from './base'
import { previewOf, previewValue } from './managed-preview'
import { Deque } from './deque'
import { ItemChannel } from './item-channel'
import { QueueStashes } from './queue-stashes'

/** The segment a lab process made for a new queue, opened here; null when there is none (or it cannot be opened: reported). */
export function openQueueMemory(address: unknown, env: Pick<ObjectEnv, 'warn'>): ItemQueueMemory | null {
  if (address === null || address === undefined) return null
  try {
    return ItemQueueMemory.open(SharedSegment.open(address as SegmentAddress))
  } catch (error) {
    env.warn(`the host could not map a queue's shared memory (${error instanceof Error ? error.message : String(error)}): its items may be lost if every process using it dies`)
    return null
  }
}

interface Putter {
  caller: Caller
  value: unknown
  admit(): void
}

export class QueueObject implements BrokerObject {
  private readonly channel: ItemChannel
  private readonly putters = new Deque<Putter>()
  private unfinished = 0
  private joiners: Call[] = []
  /** Shared memory only: taskDone calls so far, and the ring's put counter as last read (it wraps). */
  private tasksDone = 0
  private ringPuts = 0
  private lastPutCounter = 0
  private readonly stashes = new QueueStashes()
  /** Shared memory only: puts and gets each process reported (telemetry), to find what a killed one did not. */
  private readonly reported = new Map<string, { puts: number; gets: number }>()

  constructor(
    readonly oid: string,
    readonly type: Extract<SharedObjectType, 'queue' | 'joinable-queue' | 'simple-queue'>,
    readonly name: string,
    private readonly maxsize: number,
    private readonly env: ObjectEnv,
    private readonly memory: ItemQueueMemory | null = null,
  ) {
    this.channel = new ItemChannel(oid, {
      consumed: (who, n) => this.consumed(who, n),
      endOfData: () => null,
      recallArgs: {},
    })
  }

  contents(n: number): ObjectContents[] {
    if (!this.memory) {
      const { values, total } = this.channel.peek(n)
      return [{ part: null, items: values.map(previewValue), total }]
    }
    const { items, depth } = this.memory.peek(n)
    const shown = items.map((taken) => {
      if (taken.kind === 'item') return previewOf(taken.bytes)
      const stashed = this.stashes.peek(`${taken.owner}:${taken.seq}`)
      return stashed && stashed.bytes instanceof Uint8Array ? previewOf(stashed.bytes) : '(on its way)'
    })
    return [{ part: null, items: shown, total: depth }]
  }

  call(method: string, args: Record<string, unknown>, call: Call): void {
    switch (method) {
      case 'put': {
        const timeout = timeoutArg(args, call)
        return timeout === undefined ? undefined : this.put(call, args.value, timeout)
      }
      case 'get': {
        const timeout = timeoutArg(args, call)
        return timeout === undefined ? undefined : this.get(call, timeout, Number(args.want) || 1)
      }
      case 'qsize':
        return call.reply(this.memory ? this.memory.depth() : this.channel.size)
      case 'taskDone':
        if (this.memory) this.unfinished = this.ringUnfinished()
        if (this.unfinished === 0) return call.fail('ProcessError', `taskDone() called more times than items were put on ${this.name}`)
        this.tasksDone++
        if (--this.unfinished === 0) for (const joiner of this.joiners.splice(0)) joiner.reply()
        return call.reply()
      case 'join':
        if (this.memory) this.unfinished = this.ringUnfinished()
        if (this.unfinished === 0) return call.reply()
        this.joiners.push(call)
        return
      case 'unstash':
        return this.stashes.take(`${String(args.owner)}:${String(args.seq)}`, call)
      default:
        return unknownMethod(this, method, call)
    }
  }

  tell(method: string, args: Record<string, unknown>, caller: Caller): void {
    switch (method) {
      case 'put':
        return this.accept(caller, args.value)
      case 'consumed':
        return this.channel.consumedLeased(caller, Number(args.n))
      case 'return':
        return this.channel.returned(caller.lid, Number(args.lease) || 0)
      case 'ops':
        return this.report(caller, args as unknown as OpsBatch)
      case 'stash':
        return this.stashes.keep(`${String(args.owner)}:${String(args.seq)}`, args.bytes)
      case 'drop':
        return this.stashes.drop(`${String(args.owner)}:${String(args.seq)}`)
      default:
        return unknownMethod(this, method)
    }
  }

  processGone(lid: string, pid: number): void {
    if (this.memory) {
      this.sweepMemory(pid)
      this.reportUnreported(lid, pid)
    }
    this.stashes.processGone(lid)
    this.putters.removeWhere((p) => p.caller.lid === lid)
    this.joiners = this.joiners.filter((j) => j.caller.lid !== lid)
    this.channel.processGone(lid)
  }

  dispose(): void {
    if (!this.memory) return
    this.memory.segment.unlink()
    this.memory.segment.close()
  }

  /** A process died: if it held the ring's lock, the ring is made consistent before the lock is freed. */
  private sweepMemory(pid: number): void {
    const memory = this.memory!
    if (memory.lock.holder() === pid) {
      const repaired = memory.repairAfterDeath()
      if (repaired) this.env.warn(`${this.name}: a process died in the middle of a put or get; ${repaired}, and kept the items that were there`)
    }
    memory.sweep(pid)
  }

  /**
   * A process reports its operations once per tick; one killed meanwhile did not report its last
   * ones. Its slot in the segment counted them: what it did not report becomes one summary event
   * each for puts and gets, with the depth now.
   */
  private reportUnreported(lid: string, pid: number): void {
    const counted = this.memory!.takeProcessCounts(pid)
    const reported = this.reported.get(lid) ?? { puts: 0, gets: 0 }
    this.reported.delete(lid)
    if (!counted) return
    const depth = this.memory!.depth()
    const who = { lid, pid }
    const puts = (counted.puts - reported.puts) | 0
    const gets = (counted.gets - reported.gets) | 0
    if (puts > 0) this.env.emit(who, { kind: 'queue.put', depth, count: puts })
    if (gets > 0) this.env.emit(who, { kind: 'queue.get', depth, count: gets })
  }

  /** Puts on the ring so far minus taskDone calls. */
  private ringUnfinished(): number {
    const counter = this.memory!.counters().puts
    this.ringPuts += (counter - this.lastPutCounter) | 0
    this.lastPutCounter = counter
    return this.ringPuts - this.tasksDone
  }

  /** A process's batch of operations on the ring, as telemetry: each one while few, then a summary (count and last depth). */
  private report(who: Caller, batch: OpsBatch): void {
    const kinds = { [OP.put]: 'queue.put', [OP.get]: 'queue.get', [OP.full]: 'queue.full', [OP.empty]: 'queue.empty' } as const
    const log = Array.isArray(batch.log) ? batch.log : []
    const reported = this.reported.get(who.lid) ?? { puts: 0, gets: 0 }
    this.reported.set(who.lid, reported)
    const tally = (kind: string, n: number) => {
      if (kind === 'queue.put') reported.puts += n
      else if (kind === 'queue.get') reported.gets += n
    }
    for (let i = 0; i + 1 < log.length; i += 2) {
      const kind = kinds[log[i] as keyof typeof kinds]
      if (!kind) continue
      tally(kind, 1)
      this.env.emit(who, { kind, depth: Number(log[i + 1]) })
    }
    for (const [code, [count, depth]] of Object.entries(batch.more ?? {})) {
      const kind = kinds[Number(code) as keyof typeof kinds]
      if (!kind || !(count > 0)) continue
      tally(kind, count)
      if (kind === 'queue.put' || kind === 'queue.get') this.env.emit(who, { kind, depth, count })
      else for (let i = 0; i < count; i++) this.env.emit(who, { kind, depth })
    }
  }

  private get(call: Call, timeout: number | null, want: number): void {
    const empty = { name: 'Empty', message: timeout === 0 ? `${this.name} is empty` : `${this.name} stayed empty for ${timeout} ms` }
    const reportingEmpty: Call = {
      ...call,
      fail: (name, message) => {
        if (name === 'Empty') this.env.emit(call.caller, { kind: 'queue.empty', depth: this.channel.size })
        call.fail(name, message)
      },
    }
    this.channel.read(reportingEmpty, want, timeout, empty)
  }

  private put(call: Call, value: unknown, timeout: number | null): void {
    if (!this.isFull() && this.putters.length === 0) {
      this.accept(call.caller, value)
      return call.reply()
    }
    const full = () => {
      this.env.emit(call.caller, { kind: 'queue.full', depth: this.channel.size })
      call.fail('Full', timeout === 0 ? `${this.name} is full (maxsize ${this.maxsize})` : `${this.name} stayed full for ${timeout} ms (maxsize ${this.maxsize})`)
    }
    if (timeout === 0) return full()
    const putter: Putter = {
      caller: call.caller,
      value,
      admit: () => {
        cancel()
        this.accept(call.caller, value)
        call.reply()
      },
    }
    const cancel = startTimer(timeout, () => {
      this.putters.removeWhere((p) => p === putter)
      full()
    })
    this.putters.push(putter)
  }

  private accept(caller: Caller, value: unknown): void {
    this.unfinished++
    // The put is told first: a reader already waiting takes the item within push().
    this.env.emit(caller, { kind: 'queue.put', depth: this.channel.size + 1 })
    this.channel.push(value)
  }

  private consumed(who: Caller, n: number): void {
    // The items are already out of the channel: report the depth after each one in turn.
    const depth = this.channel.size
    for (let i = 0; i < n; i++) this.env.emit(who, { kind: 'queue.get', depth: depth + n - 1 - i })
    while (!this.isFull() && this.putters.length > 0) this.putters.shift()!.admit()
  }

  private isFull(): boolean {
    return this.maxsize > 0 && this.channel.size >= this.maxsize
  }
}
