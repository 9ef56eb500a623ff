// The reading side of a queue or pipe end in one process. A lone reader gets items in batches
// (a lease) so that `await q.get()` in a loop does not pay a round trip per item; the broker keeps
// leased items until they are consumed, takes them back when another reader needs them (a
// recall), and puts them back in the queue if this process dies. Consumption is acknowledged in
// batches, before any return, so the broker's count stays exact.
import { fromRefs } from './reduction'

/** The most items leased at once; it doubles from 1 while the queue keeps having enough. */
const MAX_LEASE = 256

export type Send = (method: string, args: Record<string, unknown>) => void

export class LeasedReader {
  private buffer: unknown[] = []
  private head = 0
  private want = 1
  private unacknowledged = 0

  /** `extra` goes with every message (a pipe end's index). */
  constructor(
    private readonly send: Send,
    private readonly extra: Record<string, unknown> = {},
  ) {}

  /** How many items to ask for next time. */
  get batch(): number {
    return this.want
  }

  get buffered(): number {
    return this.buffer.length - this.head
  }

  /** The next leased item, if any; acknowledged to the broker before the next message goes out. */
  take(): { found: true; value: unknown } | { found: false } {
    if (this.head >= this.buffer.length) return { found: false }
    const value = this.buffer[this.head]
    this.buffer[this.head++] = undefined
    if (this.unacknowledged++ === 0) setImmediate(() => this.acknowledge())
    return { found: true, value: fromRefs(value) }
  }

  /** Items the broker answered a read with: the first is the caller's, the rest are leased. */
  received(items: unknown[]): unknown {
    if (items.length >= this.want) this.want = Math.min(MAX_LEASE, this.want * 2)
    this.buffer = items
    this.head = 1
    return fromRefs(items[0])
  }

  /** Gives every unconsumed item back (on a recall, or when the reader closes). The broker kept copies. */
  giveBack(): void {
    this.acknowledge()
    this.buffer = []
    this.head = 0
    this.want = 1
    this.send('return', { ...this.extra })
  }

  private acknowledge(): void {
    if (this.unacknowledged === 0) return
    this.send('consumed', { ...this.extra, n: this.unacknowledged })
    this.unacknowledged = 0
  }
}
