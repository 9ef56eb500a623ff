// The items of a queue, or of one direction of a pipe, and the processes reading them. A reader
// alone gets up to `want` items at once: the first is its answer, the rest a lease that the
// broker keeps copies of until they are acknowledged as consumed. If another reader has to wait
// while items sit in a lease, the lessee is asked to give them back (a recall); if the lessee dies,
// they return too. Returned items go back where they were in the order of puts, not merely to the
// front: another lease handed out and returned meanwhile may hold items put after them (a stop
// sign behind the last real item). So nothing put is lost, items come out in the order they were
// put, and `size` counts every item not yet consumed.
import type { Call, Caller } from './base'
import { Deque } from './deque'

/** An item and its place in the order of puts. */
interface Entry {
  seq: number
  value: unknown
}

const putEarlier = (a: Entry, b: Entry): boolean => a.seq < b.seq

interface Lease {
  /** Names this batch in recalls and returns, so a return meant for an older batch is ignored. */
  id: number
  caller: Caller
  items: Deque<Entry>
  recalled: boolean
}

/** What a read is answered with: the items, and the lease id of those after the first (0: none). */
export interface ReadAnswer {
  items: unknown[]
  lease: number
}

interface Reader {
  caller: Caller
  want: number
  deliver(answer: ReadAnswer): void
  fail(name: string, message: string): void
}

/** A lease is kept to about this many bytes: big items go a few at a time. */
const LEASE_BYTES = 1024 * 1024

/** Cheap and good enough for a cap: exact for bytes and strings, a flat guess for the rest. */
function approximateSize(value: unknown): number {
  if (typeof value === 'string') return value.length * 2
  if (ArrayBuffer.isView(value)) return value.byteLength
  if (value instanceof ArrayBuffer) return value.byteLength
  return 64
}

export interface ChannelHooks {
  /** `n` items left the channel for good, taken by `who`. */
  consumed(who: Caller, n: number): void
  /** Why a reader cannot wait for more (a pipe's EOF), or null if it can. */
  endOfData(): { name: string; message: string } | null
  /** Recall messages carry this (a pipe end's index). */
  recallArgs: Record<string, unknown>
}

export class ItemChannel {
  /** In the order of puts (by seq), always. */
  private readonly items = new Deque<Entry>()
  private putCounter = 0
  private readonly leases = new Map<string, Lease>()
  private readonly readers = new Deque<Reader>()
  private leaseCounter = 0

  constructor(
    private readonly oid: string,
    private readonly hooks: ChannelHooks,
  ) {}

  /** Items not yet consumed: queued plus leased. */
  get size(): number {
    let leased = 0
    for (const lease of this.leases.values()) leased += lease.items.length
    return this.items.length + leased
  }

  /** Whether a read would be answered now (items here or leased to `lid`). */
  readyFor(lid: string): boolean {
    return this.items.length > 0 || (this.leases.get(lid)?.items.length ?? 0) > 0
  }

  /** The first `n` values in the order of puts, those in leases included (not consumed yet), and how many there are in all. */
  peek(n: number): { values: unknown[]; total: number } {
    const entries = [...this.items]
    for (const lease of this.leases.values()) entries.push(...lease.items)
    entries.sort((a, b) => a.seq - b.seq)
    return { values: entries.slice(0, n).map((e) => e.value), total: entries.length }
  }

  push(value: unknown): void {
    this.items.push({ seq: ++this.putCounter, value })
    this.serveReaders()
  }

  /** A read: answered with items, or waits (or fails with `emptyError` when it may not wait). */
  read(call: Call, want: number, timeout: number | null, emptyError: { name: string; message: string }, onWait: (cancel: () => void) => void = () => undefined): void {
    const { caller } = call
    if (this.items.length > 0 && this.readers.length === 0) return this.serve(caller, want, (answer) => call.reply(answer))
    this.recall(caller.lid)
    const ended = this.leasedElsewhere(caller.lid) ? null : this.hooks.endOfData()
    if (ended) return call.fail(ended.name, ended.message)
    if (timeout === 0) return call.fail(emptyError.name, emptyError.message)
    let timer: NodeJS.Timeout | undefined
    const reader: Reader = {
      caller,
      want,
      deliver: (answer) => {
        clearTimeout(timer)
        call.reply(answer)
      },
      fail: (name, message) => {
        clearTimeout(timer)
        call.fail(name, message)
      },
    }
    if (timeout !== null) {
      timer = setTimeout(() => {
        this.readers.removeWhere((r) => r === reader)
        call.fail(emptyError.name, emptyError.message)
      }, timeout)
    }
    onWait(() => clearTimeout(timer))
    this.readers.push(reader)
  }

  consumedLeased(caller: Caller, n: number): void {
    const lease = this.leases.get(caller.lid)
    if (!lease) return
    let taken = 0
    while (taken < n && lease.items.length > 0) {
      lease.items.shift()
      taken++
    }
    if (lease.items.length === 0) this.leases.delete(caller.lid)
    if (taken > 0) this.hooks.consumed(caller, taken)
  }

  /**
   * The lessee gave back the unconsumed items of lease `id`: they go back among the queued items
   * by the order of their puts (ahead of all of them, unless a later lease came back first). A
   * return for an older lease (its recall crossed a new read on the way) is ignored: the
   * process keeps, and will consume, the batch it has now.
   */
  returned(lid: string, id: number | null): void {
    const lease = this.leases.get(lid)
    if (!lease || (id !== null && lease.id !== id)) return
    this.leases.delete(lid)
    this.items.mergeInOrder([...lease.items], putEarlier)
    this.serveReaders()
    this.failReadersIfEnded()
  }

  /** After the data source went away (pipe closed): waiting readers with nothing to get fail. */
  failReadersIfEnded(): void {
    if (this.items.length > 0 || this.leases.size > 0) return
    const ended = this.hooks.endOfData()
    if (!ended) return
    for (let reader = this.readers.shift(); reader; reader = this.readers.shift()) reader.fail(ended.name, ended.message)
  }

  processGone(lid: string): void {
    this.readers.removeWhere((r) => r.caller.lid === lid)
    this.returned(lid, null)
  }

  private serve(caller: Caller, want: number, deliver: (answer: ReadAnswer) => void): void {
    // A batch stops at `want` items or about LEASE_BYTES, whichever comes first (but has at least one).
    const batch: Entry[] = [this.items.shift()!]
    let bytes = approximateSize(batch[0]!.value)
    while (batch.length < want && this.items.length > 0 && bytes < LEASE_BYTES) {
      const entry = this.items.shift()!
      bytes += approximateSize(entry.value)
      batch.push(entry)
    }
    const count = batch.length
    let leaseId = 0
    if (count > 1) {
      // A reader asks again only once it has consumed (and acknowledged) its whole last batch,
      // so it holds at most one lease: this one.
      const lease: Lease = { id: ++this.leaseCounter, caller, items: new Deque<Entry>(), recalled: false }
      for (let i = 1; i < count; i++) lease.items.push(batch[i])
      this.leases.set(caller.lid, lease)
      leaseId = lease.id
    }
    this.hooks.consumed(caller, 1)
    deliver({ items: batch.map((entry) => entry.value), lease: leaseId })
  }

  private serveReaders(): void {
    while (this.readers.length > 0 && this.items.length > 0) {
      const reader = this.readers.shift()!
      // With others waiting, hand out one at a time so everyone gets a turn.
      this.serve(reader.caller, this.readers.length > 0 ? 1 : reader.want, reader.deliver)
    }
  }

  private leasedElsewhere(lid: string): boolean {
    for (const [holder, lease] of this.leases) if (holder !== lid && lease.items.length > 0) return true
    return false
  }

  private recall(exceptLid: string): void {
    for (const [lid, lease] of this.leases) {
      if (lid === exceptLid || lease.recalled || lease.items.length === 0) continue
      lease.recalled = true
      lease.caller.push(this.oid, 'recall', { ...this.hooks.recallArgs, lease: lease.id })
    }
  }
}
