// The reading side of a queue or pipe end in one process. A lone reader gets items in batches
// (a lease) so that `await q.get()` in a loop does not pay a round trip per item; the broker keeps
// leased items until they are consumed, takes them back when another reader needs them (a
// recall), and puts them back in the queue if this process dies. Each consumption is acknowledged
// in the outgoing batch at once (merged into one message per batch), so the broker hears of it
// before anything this process sends later and its count stays exact.
import { fromRefs } from './reduction'

/** The most items leased at once; it doubles from 1 while the queue keeps having enough. */
const MAX_LEASE = 256

export interface ReaderLink {
  send(method: string, args: Record<string, unknown>): void
  /** Adds one to the count of a merged message (see BatchedSender.sendMerged). */
  count(method: string, args: Record<string, unknown>): void
}

export class LeasedReader {
  private buffer: unknown[] = []
  private head = 0
  private want = 1
  /** The broker's id of the batch in `buffer` (0: none leased). */
  private lease = 0
  /**
   * A recall can overtake the answer it is about: both come in one frame, the recall is handled at
   * once and the answer only when the awaiting code resumes. Such a recall waits here.
   */
  private earlyRecall = 0

  /** `extra` goes with every message (a pipe end's index). */
  constructor(
    private readonly link: ReaderLink,
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
    this.link.count('consumed', this.extra)
    return { found: true, value: fromRefs(value) }
  }

  /** The broker's answer to a read: the first item is the caller's, the rest are leased. */
  received(answer: { items: unknown[]; lease: number }): unknown {
    const { items } = answer
    if (items.length >= this.want) this.want = Math.min(MAX_LEASE, this.want * 2)
    this.buffer = items
    this.head = 1
    this.lease = answer.lease
    if (this.lease !== 0 && this.earlyRecall === this.lease) this.giveBack()
    this.earlyRecall = 0
    return fromRefs(items[0])
  }

  /**
   * The broker wants lease `id` back (another reader waits). A recall of an older batch, which
   * crossed our next read on the way, is ignored: that batch is consumed already.
   */
  recall(id: unknown): void {
    if (typeof id !== 'number') return
    if (id === this.lease) {
      if (this.buffered > 0) this.giveBack()
    } else if (id > this.lease) {
      // A newer lease than ours: its answer is on its way (ids only grow).
      this.earlyRecall = id
    }
  }

  /** Gives every unconsumed item back (on a recall, or when the reader closes). The broker kept copies. */
  giveBack(): void {
    const lease = this.lease
    this.buffer = []
    this.head = 0
    this.want = 1
    this.lease = 0
    this.link.send('return', { ...this.extra, lease })
  }
}
