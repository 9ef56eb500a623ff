// Items too big for a queue's ring, kept by the broker: the ring holds a reference to each in its
// place in the order of puts. The putter sends the item before it writes the reference, but the
// getter asks on another socket, so its request may arrive first: it waits here for the item.
import type { Call } from './base'

export class QueueStashes {
  private readonly items = new Map<string, unknown>()
  private readonly waiting = new Map<string, Call>()

  keep(key: string, bytes: unknown): void {
    const call = this.waiting.get(key)
    if (!call) return void this.items.set(key, bytes)
    this.waiting.delete(key)
    call.reply(bytes)
  }

  /** The putter gave up (its queue stayed full): the reference was never written. */
  drop(key: string): void {
    this.items.delete(key)
  }

  /** The item kept under `key`, if it is here yet, without taking it. */
  peek(key: string): { bytes: unknown } | null {
    return this.items.has(key) ? { bytes: this.items.get(key) } : null
  }

  take(key: string, call: Call): void {
    if (!this.items.has(key)) return void this.waiting.set(key, call)
    const bytes = this.items.get(key)
    this.items.delete(key)
    call.reply(bytes)
  }

  processGone(lid: string): void {
    for (const [key, call] of this.waiting) if (call.caller.lid === lid) this.waiting.delete(key)
  }
}
