// Who is blocked on which queue or pipe now, from process.wait and process.resume: the part the
// queue and pipe folds share. A wait is reported only once it has lasted WAIT_REPORT_MS, so a
// waiter is listed from when its call began (the report's t minus its waitedUs), not from when the
// report came. A wait ends at its resume (which names no object, only its process and number), or
// at its process's exit when the broker's resume never came (older sessions, a killed process).

/** One process blocked on an object now. */
export interface Waiter {
  lid: string
  pid: number
  /** Which of the process's waits (process.wait's `wait`). */
  wait: number
  /** When the blocking call began (session µs). */
  since: number
  /** The limit it was given (ms); null: none. */
  timeoutMs: number | null
}

/** The fields read here; a typed LabEvent fits, and so does a loosely parsed one from a file. */
export interface WaitInput {
  kind: string
  t: number
  lid?: unknown
  pid?: unknown
  object?: unknown
  wait?: unknown
  on?: unknown
  timeoutMs?: unknown
  waitedUs?: unknown
}

/** Where an open wait is listed: its object, and which list of it (`on`). */
interface Placed {
  object: string
  on: string
  waiter: Waiter
}

export class BlockedOn {
  /** Open waits by `${lid}#${wait}`. */
  private readonly open = new Map<string, Placed>()

  /** `ons`: the process.wait `on` values this reader lists (e.g. 'queue.get', 'queue.put'). */
  constructor(
    private readonly ons: readonly string[],
    private readonly list: (object: string, on: string) => Waiter[] | null,
  ) {}

  clear(): void {
    this.open.clear()
  }

  /** Folds a process.wait, process.resume or process.exit; returns the objects whose waiters changed. */
  apply(event: WaitInput): string[] {
    const lid = typeof event.lid === 'string' ? event.lid : null
    if (lid === null) return []
    switch (event.kind) {
      case 'process.wait':
        return this.began(lid, event)
      case 'process.resume':
        return typeof event.wait === 'number' ? this.ended(`${lid}#${event.wait}`) : []
      case 'process.exit':
        return [...this.open.keys()].filter((key) => key.startsWith(`${lid}#`)).flatMap((key) => this.ended(key))
      default:
        return []
    }
  }

  private began(lid: string, event: WaitInput): string[] {
    const on = typeof event.on === 'string' ? event.on : null
    const object = typeof event.object === 'string' ? event.object : null
    if (on === null || object === null || !this.ons.includes(on) || typeof event.wait !== 'number') return []
    const list = this.list(object, on)
    if (!list) return []
    const key = `${lid}#${event.wait}`
    // The same wait reported twice (a damaged file): listed once.
    if (this.open.has(key)) this.ended(key)
    const waitedUs = typeof event.waitedUs === 'number' && event.waitedUs > 0 ? event.waitedUs : 0
    const waiter: Waiter = {
      lid,
      pid: typeof event.pid === 'number' ? event.pid : 0,
      wait: event.wait,
      since: Math.max(0, event.t - waitedUs),
      timeoutMs: typeof event.timeoutMs === 'number' ? event.timeoutMs : null,
    }
    list.push(waiter)
    this.open.set(key, { object, on, waiter })
    return [object]
  }

  private ended(key: string): string[] {
    const placed = this.open.get(key)
    if (!placed) return []
    this.open.delete(key)
    const list = this.list(placed.object, placed.on)
    const index = list?.indexOf(placed.waiter) ?? -1
    if (index !== -1) list!.splice(index, 1)
    return [placed.object]
  }
}
