/** A FIFO with O(1) push, shift and unshift: waiters and queued items. */
export class Deque<T> {
  private items: (T | undefined)[] = []
  private head = 0

  get length(): number {
    return this.items.length - this.head
  }

  push(item: T): void {
    this.items.push(item)
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined
    const item = this.items[this.head]
    this.items[this.head++] = undefined
    // Compact now and then, so a long-lived queue does not keep a long dead prefix.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    return item
  }

  /**
   * Puts `items` back into a deque kept in the order `precedes` defines, each where it belongs
   * (returned leases): both are in that order already, so one merge does it.
   */
  mergeInOrder(items: readonly T[], precedes: (a: T, b: T) => boolean): void {
    if (items.length === 0) return
    const current = this.items.slice(this.head) as T[]
    const merged: T[] = []
    let i = 0
    let j = 0
    while (i < items.length && j < current.length) merged.push(precedes(current[j]!, items[i]!) ? current[j++]! : items[i++]!)
    while (i < items.length) merged.push(items[i++]!)
    while (j < current.length) merged.push(current[j++]!)
    this.items = merged
    this.head = 0
  }

  peek(): T | undefined {
    return this.items[this.head]
  }

  /** Removes the items matching `test`; returns them. */
  removeWhere(test: (item: T) => boolean): T[] {
    const kept: T[] = []
    const removed: T[] = []
    for (let i = this.head; i < this.items.length; i++) (test(this.items[i] as T) ? removed : kept).push(this.items[i] as T)
    this.items = kept
    this.head = 0
    return removed
  }

  [Symbol.iterator](): Iterator<T> {
    return (this.items.slice(this.head) as T[])[Symbol.iterator]()
  }
}
