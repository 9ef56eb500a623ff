// The one reading of the pipe events: per direction of a Pipe what was sent and received (so what
// is still in it), which ends nobody holds any more, and who is blocked on it now (in recv() with
// nothing to read, or in send() with its ring full). The object cards, the replay and the Chrome
// trace fold through this.
//
// Direction e is what end e sends, towards the other end: a pipe.send from end e counts in dirs[e],
// a pipe.recv at end e in dirs[1 − e]. A pipe.eof at end e means nobody holds the other end: it is
// closed, and its direction has ended. Loosely typed input, as in a session of any version; an
// event with no valid `end` (an old or hand-written file) is taken as about direction 0 → 1: a
// send or close at end 0, a recv or EOF at end 1, so its messages still pair up.
import { BlockedOn, type WaitInput, type Waiter } from './blocked'

export type { Waiter } from './blocked'

export interface PipeDirectionState {
  /** Messages (a shared-memory summary counts as its `count`). */
  sent: number
  received: number
  bytesSent: number
  bytesReceived: number
  /** Messages of this direction that carried a byte count (sendBytes); plain send() reports none. */
  sizedSends: number
  /** Nobody holds the sending end any more: its reader gets EOF once it has taken everything. */
  eof: boolean
  eofT: number | null
}

export interface PipeState {
  object: string
  /** dirs[0]: end 0 → end 1; dirs[1]: end 1 → end 0. */
  dirs: [PipeDirectionState, PipeDirectionState]
  /** pipe.close events per end: each is one process dropping its hold of that end. */
  closes: [number, number]
  /** No process holds the end any more (known from the EOF it caused). */
  closed: [boolean, boolean]
  lastT: number
  /** Blocked in recv(), in arrival order. */
  receivers: Waiter[]
  /** Blocked in send() (a shared-memory pipe's ring is full). */
  senders: Waiter[]
}

export interface PipeSink {
  /** What is in the pipe moved (a message sent or received) at t. */
  buffered?(pipe: PipeState, t: number): void
  /** Someone began or stopped waiting on it at t. */
  waiters?(pipe: PipeState, t: number): void
}

export interface PipeFoldInput extends WaitInput {
  type?: unknown
  end?: unknown
  bytes?: unknown
  count?: unknown
  sized?: unknown
}

const PIPE_WAITS = ['pipe.recv', 'pipe.send'] as const

export class PipeFold {
  private readonly pipes = new Map<string, PipeState>()
  private readonly blocked = new BlockedOn(PIPE_WAITS, (object, on) => {
    const pipe = this.stateOf(object)
    return on === 'pipe.recv' ? pipe.receivers : pipe.senders
  })

  constructor(private readonly sink: PipeSink = {}) {}

  /** Folds one event; returns the pipes it changed. */
  apply(event: PipeFoldInput): string[] {
    switch (event.kind) {
      case 'run.start':
        this.reset()
        return []
      case 'object.create': {
        const object = typeof event.object === 'string' ? event.object : null
        if (object === null || event.type !== 'pipe') return []
        this.stateOf(object).lastT = event.t
        return [object]
      }
      case 'pipe.send':
      case 'pipe.recv':
      case 'pipe.close':
      case 'pipe.eof':
        return this.pipeEvent(event)
      case 'process.wait':
      case 'process.resume':
      case 'process.exit': {
        const changed = this.blocked.apply(event)
        for (const object of changed) this.sink.waiters?.(this.pipes.get(object)!, event.t)
        return changed
      }
      default:
        return []
    }
  }

  reset(): void {
    this.pipes.clear()
    this.blocked.clear()
  }

  get(object: string): PipeState | undefined {
    return this.pipes.get(object)
  }

  all(): IterableIterator<PipeState> {
    return this.pipes.values()
  }

  private pipeEvent(event: PipeFoldInput): string[] {
    const object = typeof event.object === 'string' ? event.object : null
    if (object === null) return []
    const pipe = this.stateOf(object)
    const end = endOf(event)
    const other = (1 - end) as 0 | 1
    const n = typeof event.count === 'number' && event.count >= 0 ? event.count : 1
    const bytes = typeof event.bytes === 'number' && event.bytes >= 0 ? event.bytes : null
    pipe.lastT = event.t
    switch (event.kind) {
      case 'pipe.send': {
        const dir = pipe.dirs[end]
        dir.sent += n
        if (bytes !== null) {
          dir.bytesSent += bytes
          dir.sizedSends += typeof event.sized === 'number' ? event.sized : 1
        }
        this.sink.buffered?.(pipe, event.t)
        break
      }
      case 'pipe.recv': {
        const dir = pipe.dirs[other]
        dir.received += n
        if (bytes !== null) dir.bytesReceived += bytes
        this.sink.buffered?.(pipe, event.t)
        break
      }
      case 'pipe.close':
        pipe.closes[end]++
        break
      case 'pipe.eof':
        // The reader of `end` reaches EOF because nobody holds the other end any more.
        pipe.closed[other] = true
        pipe.dirs[other].eof = true
        pipe.dirs[other].eofT = event.t
        break
    }
    return [object]
  }

  /** A pipe whose creation came before this reader connected, or was cut from an export. */
  private stateOf(object: string): PipeState {
    let pipe = this.pipes.get(object)
    if (!pipe) {
      const dir = (): PipeDirectionState => ({ sent: 0, received: 0, bytesSent: 0, bytesReceived: 0, sizedSends: 0, eof: false, eofT: null })
      pipe = { object, dirs: [dir(), dir()], closes: [0, 0], closed: [false, false], lastT: 0, receivers: [], senders: [] }
      this.pipes.set(object, pipe)
    }
    return pipe
  }
}

/** The event's end; with none (a damaged line), it is taken as about direction 0 → 1. */
function endOf(event: PipeFoldInput): 0 | 1 {
  if (event.end === 0 || event.end === 1) return event.end
  return event.kind === 'pipe.recv' || event.kind === 'pipe.eof' ? 1 : 0
}

/** Messages sent one way and not received yet. */
export function pipeBuffered(dir: Pick<PipeDirectionState, 'sent' | 'received'>): number {
  return Math.max(0, dir.sent - dir.received)
}
