// Telling the broker what this process is blocked on (the process.wait and process.resume events),
// without slowing down any call that does not block for long: nothing is sent for a wait until it
// has lasted WAIT_REPORT_MS, then one message, and one more when it ends. Loops that sleep on
// shared memory ask `sleepFor` how long their next sleep may last (a few ms at most until the
// wait is reported, so it is reported on time); a wait on a promise (a broker's answer, a timer,
// a child's exit) is reported by one timer, which a quick answer clears.
import { WAIT_REPORT_MS, type WaitOn, type WaitOutcome } from '../../src-shared/events'
import { hasLabContext, labContext } from './context'
import { Empty, Full } from './errors'

export interface WaitSpec {
  on: WaitOn
  /** The shared object's id (null for join and sleep). */
  object?: string | null
  /** The lid joined. */
  target?: string | null
  timeoutMs?: number | null
}

type Ending = Exclude<WaitOutcome, 'gone'>

let lastWait = 0

export class WaitWatch {
  /** This wait's number once reported; 0 until then. */
  private reported = 0

  /** `start`: when the call began (performance.now()), if before the watch was made. */
  constructor(
    private readonly spec: WaitSpec,
    private readonly start = performance.now(),
  ) {}

  /** How long the next sleep may last (at most `ms`): no longer than until the wait is due to be reported, which it is once due. */
  sleepFor(ms: number): number {
    if (this.reported !== 0) return ms
    const left = WAIT_REPORT_MS - (performance.now() - this.start)
    if (left > 0) return Math.min(ms, left)
    this.report()
    return ms
  }

  /** Sends the wait now, if not yet sent (a timer found it still waiting). */
  report(): void {
    if (this.reported !== 0 || !hasLabContext()) return
    this.reported = ++lastWait
    const { on, object = null, target = null, timeoutMs = null } = this.spec
    const channel = labContext().channel
    channel.send({ op: 'wait', wait: this.reported, on, object, target, timeoutMs, waitedUs: this.waitedUs() })
    // The process is about to sleep: the host hears of it now, not at its next turn.
    channel.flushNow()
  }

  /** The call returned (or threw): ends the wait if it was reported. */
  end(outcome: Ending): void {
    if (this.reported === 0) return
    const channel = labContext().channel
    channel.send({ op: 'resume', wait: this.reported, outcome, waitedUs: this.waitedUs() })
    channel.flushNow()
    this.reported = 0
  }

  private waitedUs(): number {
    return Math.max(0, Math.round((performance.now() - this.start) * 1000))
  }
}

/** The ending of a wait that threw: Empty and Full are a timeout's, anything else an error. */
export function endingOf(error: unknown): Ending {
  return error instanceof Empty || error instanceof Full ? 'timeout' : 'error'
}

/**
 * Awaits `work`, reporting it as a wait on `spec` if it lasts WAIT_REPORT_MS. `outcomeOf` reads a
 * result that says the limit ran out (Event.wait's false). Outside a lab process it only awaits.
 */
export async function watchWait<T>(spec: WaitSpec, work: Promise<T>, outcomeOf: (value: T) => Ending = () => 'done'): Promise<T> {
  if (!hasLabContext()) return work
  const watch = new WaitWatch(spec)
  const timer = setTimeout(() => watch.report(), WAIT_REPORT_MS)
  try {
    const value = await work
    clearTimeout(timer)
    watch.end(outcomeOf(value))
    return value
  } catch (error) {
    clearTimeout(timer)
    watch.end(endingOf(error))
    throw error
  }
}
