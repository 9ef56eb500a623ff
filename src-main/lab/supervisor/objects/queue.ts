// Queue, JoinableQueue and SimpleQueue in the broker: the items (an ItemChannel), processes
// waiting to put into a full bounded queue, and JoinableQueue's count of unfinished tasks.
import type { SharedObjectType } from '../../../../src-shared/events'
import { startTimer, timeoutArg, unknownMethod, type BrokerObject, type Call, type Caller, type ObjectEnv } from './base'
import { Deque } from './deque'
import { ItemChannel } from './item-channel'

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

  constructor(
    readonly oid: string,
    readonly type: Extract<SharedObjectType, 'queue' | 'joinable-queue' | 'simple-queue'>,
    readonly name: string,
    private readonly maxsize: number,
    private readonly env: ObjectEnv,
  ) {
    this.channel = new ItemChannel(oid, {
      consumed: (who, n) => this.consumed(who, n),
      endOfData: () => null,
      recallArgs: {},
    })
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
        return call.reply(this.channel.size)
      case 'taskDone':
        if (this.unfinished === 0) return call.fail('ProcessError', `taskDone() called more times than items were put on ${this.name}`)
        if (--this.unfinished === 0) for (const joiner of this.joiners.splice(0)) joiner.reply()
        return call.reply()
      case 'join':
        if (this.unfinished === 0) return call.reply()
        this.joiners.push(call)
        return
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
      default:
        return unknownMethod(this, method)
    }
  }

  processGone(lid: string): void {
    this.putters.removeWhere((p) => p.caller.lid === lid)
    this.joiners = this.joiners.filter((j) => j.caller.lid !== lid)
    this.channel.processGone(lid)
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
