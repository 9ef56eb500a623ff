// A Pipe in the broker: two directions (an ItemChannel each) and, for each end, the processes
// holding it. An end's readers see EOF once nothing is left and no process holds the other end.
// With shared memory, messages travel in the pipe's rings (pipe-rings.ts) and the broker only
// decides EOF, sweeps the ring locks of dead processes, reports the counters, and keeps the
// messages too big for a frame until the reader that met their ticket takes them.
import { deserialize } from 'node:v8'
import { FRAME_BYTES, FRAME_JSON, FRAME_TICKET, FRAME_VALUE, type Frame } from '../../shm/ring'
import { startTimer, timeoutArg, unknownMethod, type BrokerObject, type Call, type Caller, type ObjectContents, type ObjectEnv } from './base'
import { ItemChannel } from './item-channel'
import { previewValue } from './managed-preview'
import { BrokerPipeRings, isRingAddress } from './pipe-rings'

type End = 0 | 1

interface Poller {
  lid: string
  wake(): void
}

export class PipeObject implements BrokerObject {
  readonly type = 'pipe'
  /** channels[e] holds what end e receives (sent from the other end). */
  private readonly channels: [ItemChannel, ItemChannel]
  private readonly holders: [Set<string>, Set<string>]
  private pollers: [Poller[], Poller[]] = [[], []]
  private readonly rings: BrokerPipeRings | null = null
  /** Big messages of the ring path by ticket, and readers that met a ticket before its message arrived. */
  private readonly ticketed = new Map<string, unknown>()
  private readonly takers = new Map<string, Call>()
  /** Messages readers took through the broker (the ring counts its own): see delivered(). */
  private deliveredByBroker = 0

  constructor(
    readonly oid: string,
    readonly name: string,
    creator: Caller,
    private readonly env: ObjectEnv,
    ring?: unknown,
  ) {
    this.holders = [new Set([creator.lid]), new Set([creator.lid])]
    this.channels = [this.channelFor(0), this.channelFor(1)]
    if (isRingAddress(ring)) {
      try {
        this.rings = new BrokerPipeRings(ring, { lid: creator.lid, pid: creator.pid }, env)
      } catch (error) {
        // The lab processes use the rings anyway: without the host's mapping, EOF cannot be told.
        env.warn(`${name}: the host could not map the pipe's shared memory (${(error as Error).message}); EOF will not be seen`)
      }
    }
  }

  /** Per end: the messages on their way to it, in the ring (first) and in the broker's channel. */
  contents(n: number): ObjectContents[] {
    return ([0, 1] as const).map((end) => {
      const frames = this.rings?.framesAhead(end, n) ?? []
      const ring = frames.map((frame) => this.framePreview(frame))
      const { values, total } = this.channels[end].peek(Math.max(0, n - ring.length))
      return { part: end, items: [...ring, ...values.map(previewValue)], total: (this.rings?.buffered(end) ?? 0) + total }
    })
  }

  private framePreview(frame: Frame): string {
    try {
      switch (frame.kind) {
        case FRAME_JSON:
          return previewValue(JSON.parse(frame.payload.toString('utf8')))
        case FRAME_VALUE:
          return previewValue(deserialize(frame.payload))
        case FRAME_BYTES:
          return previewValue(Buffer.from(frame.payload))
        case FRAME_TICKET: {
          const [ticket] = deserialize(frame.payload) as [string]
          return this.ticketed.has(ticket) ? previewValue(this.ticketed.get(ticket)) : '(on its way)'
        }
      }
    } catch {
      // Shown, not used: a frame that cannot be read is said to be so.
    }
    return '(unreadable)'
  }

  call(method: string, args: Record<string, unknown>, call: Call): void {
    const end = toEnd(args.end)
    if (end === null) return call.fail('ProcessError', `${this.name}: bad pipe end ${String(args.end)}`)
    this.holders[end].add(call.caller.lid)
    switch (method) {
      case 'recv':
        return this.channels[end].read(call, Number(args.want) || 1, null, { name: 'EOFError', message: `${this.name}: nothing to receive` })
      case 'take':
        return this.take(String(args.ticket), call)
      case 'poll': {
        const timeout = timeoutArg(args, call)
        return timeout === undefined ? undefined : this.poll(call, end, timeout)
      }
      default:
        return unknownMethod(this, method, call)
    }
  }

  tell(method: string, args: Record<string, unknown>, caller: Caller): void {
    const end = toEnd(args.end)
    if (end === null) return
    switch (method) {
      case 'send': {
        this.holders[end].add(caller.lid)
        // Counted by the ring when its ticket frame is written.
        if (typeof args.ticket === 'string') return this.ticketArrived(args.ticket, args.value)
        const other = (1 - end) as End
        this.channels[other].push(args.value)
        this.env.emit(caller, { kind: 'pipe.send', end, bytes: typeof args.bytes === 'number' ? args.bytes : null })
        return this.wakePollers(other)
      }
      case 'attach':
        this.holders[end].add(caller.lid)
        return this.rings?.attached(caller)
      case 'consumed':
        return this.channels[end].consumedLeased(caller, Number(args.n))
      case 'return':
        return this.channels[end].returned(caller.lid, Number(args.lease) || 0)
      case 'close':
        this.env.emit(caller, { kind: 'pipe.close', end })
        return this.letGo(caller.lid, end, caller)
      default:
        return unknownMethod(this, method)
    }
  }

  /**
   * Whether nothing can ever arrive for process `lid` waiting to receive (issue 17, process.stuck):
   * for each end it holds, it alone holds the other end, and nothing is buffered for it. Holding
   * both ends is what keeps EOF away, so its recv waits for a send only it could make. False when
   * it holds no end the broker knows of (an end received through a queue and not yet used).
   */
  senderless(lid: string): boolean {
    const ends = ([0, 1] as const).filter((end) => this.holders[end].has(lid))
    if (ends.length === 0) return false
    return ends.every((end) => {
      const senders = this.holders[(1 - end) as End]
      return senders.size === 1 && senders.has(lid) && !this.channels[end].readyFor(lid) && (this.rings?.buffered(end) ?? 0) === 0
    })
  }

  /**
   * Messages received from this pipe so far, both ways and both paths. A reader's wait that the
   * broker still has open may already be served (its resume on its way): if this moved since the
   * wait was reported, the wait is not called stuck (issue 17).
   */
  delivered(): number {
    return this.deliveredByBroker + (this.rings?.received() ?? 0)
  }

  hold(lid: string, part: number | null): void {
    const end = toEnd(part)
    if (end !== null) this.holders[end].add(lid)
  }

  processGone(lid: string, pid: number): void {
    this.rings?.processGone(lid, pid)
    for (const [ticket, call] of this.takers) if (call.caller.lid === lid) this.takers.delete(ticket)
    for (const end of [0, 1] as const) {
      this.pollers[end] = this.pollers[end].filter((p) => p.lid !== lid)
      this.channels[end].processGone(lid)
      this.letGo(lid, end, { lid, pid })
    }
  }

  private letGo(lid: string, end: End, who: { lid: string; pid: number }): void {
    if (!this.holders[end].delete(lid) || this.holders[end].size > 0) return
    // Nobody holds this end any more: the other end's readers reach EOF once its items are gone.
    const other = (1 - end) as End
    this.rings?.endGone(end)
    this.env.emit(who, { kind: 'pipe.eof', end: other })
    this.channels[other].failReadersIfEnded()
    this.wakePollers(other)
  }

  dispose(): void {
    this.rings?.dispose()
    this.ticketed.clear()
  }

  private ticketArrived(ticket: string, value: unknown): void {
    const taker = this.takers.get(ticket)
    if (!taker) return void this.ticketed.set(ticket, value)
    this.takers.delete(ticket)
    taker.reply(value)
  }

  /** A reader met a ticket frame: the message is here, or on its way on the sender's socket. */
  private take(ticket: string, call: Call): void {
    if (!this.ticketed.has(ticket)) return void this.takers.set(ticket, call)
    const value = this.ticketed.get(ticket)
    this.ticketed.delete(ticket)
    call.reply(value)
  }

  private poll(call: Call, end: End, timeout: number | null): void {
    const ready = () => this.channels[end].readyFor(call.caller.lid) || this.holders[(1 - end) as End].size === 0
    if (ready() || timeout === 0) return call.reply(ready())
    const poller: Poller = {
      lid: call.caller.lid,
      wake: () => {
        cancel()
        this.pollers[end] = this.pollers[end].filter((p) => p !== poller)
        call.reply(true)
      },
    }
    const cancel = startTimer(timeout, () => {
      this.pollers[end] = this.pollers[end].filter((p) => p !== poller)
      call.reply(ready())
    })
    this.pollers[end].push(poller)
  }

  private wakePollers(end: End): void {
    for (const poller of this.pollers[end].slice()) poller.wake()
  }

  private channelFor(end: End): ItemChannel {
    return new ItemChannel(this.oid, {
      consumed: (who, n) => {
        this.deliveredByBroker += n
        for (let i = 0; i < n; i++) this.env.emit(who, { kind: 'pipe.recv', end, bytes: null })
      },
      endOfData: () =>
        this.holders[(1 - end) as End].size === 0 ? { name: 'EOFError', message: `${this.name}: every holder of the other end has closed it; nothing is left to receive` } : null,
      recallArgs: { end },
    })
  }
}

function toEnd(value: unknown): End | null {
  return value === 0 || value === 1 ? value : null
}
