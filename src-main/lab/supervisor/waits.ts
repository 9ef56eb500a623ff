// The broker's side of the process.wait and process.resume events: a lab process reports a wait
// that has lasted (lab/waits.ts); the broker checks the report against what it knows (its own
// process, an object and a process of its run), emits it, and keeps it open until the process
// reports its end or is gone. So every wait it emitted ends in exactly one resume, even when its
// process is killed in the middle of it.
import { WAIT_ONS, WAIT_OUTCOMES, type EventBody, type WaitOn } from '../../../src-shared/events'
import type { UpMessage } from '../protocol'

interface OpenWait {
  pid: number
  /** When it began, on the machine's monotonic clock (µs). */
  since: number
  on: WaitOn
  object: string | null
  /** Named as stuck already (process.stuck, issue 17): once per wait. */
  stuck: boolean
  /** Its object's delivered count when the wait was reported (pipes; see PipeObject.delivered). */
  delivered: number
}

export interface WaitBookEnv {
  emit(lid: string, body: EventBody, at: number): void
  /** Whether `oid` names an object of the process's run. */
  objectKnown(lid: string, oid: string): boolean
  /** Whether `lid` names a process of the same run as `from`. */
  processKnown(from: string, lid: string): boolean
  now(): number
  /** Whether nothing can ever arrive for `lid` waiting to receive from `oid` (see PipeObject.senderless). */
  senderless?(oid: string, lid: string): boolean
  /** Messages received from pipe `oid` so far. */
  delivered?(oid: string): number
}

/** Open waits a process may have at once: far more than any program blocks on, few enough to bound a flood. */
const MAX_OPEN_PER_PROCESS = 1000

export class WaitBook {
  private readonly open = new Map<string, Map<number, OpenWait>>()

  constructor(private readonly env: WaitBookEnv) {}

  /** A process's report; a string saying what is wrong with it when it is refused. */
  receive(lid: string, pid: number, message: Extract<UpMessage, { op: 'wait' | 'resume' }>): string | null {
    return message.op === 'wait' ? this.began(lid, pid, message) : this.ended(lid, message)
  }

  /** Its process died or disconnected: each of its waits ends 'gone'. */
  processGone(lid: string): void {
    const waits = this.open.get(lid)
    if (!waits) return
    this.open.delete(lid)
    const now = this.env.now()
    for (const [wait, open] of waits) {
      this.env.emit(lid, { kind: 'process.resume', lid, pid: open.pid, wait, outcome: 'gone', waitedUs: Math.max(0, now - open.since) }, now)
    }
  }

  /**
   * Names the open waits in a Pipe's recv that nothing can ever serve (issue 17). Called after a
   * wait begins and whenever a pipe end may have lost a holder (a close, a process gone).
   */
  checkStuck(): void {
    const senderless = this.env.senderless
    if (!senderless) return
    for (const [lid, waits] of this.open) {
      for (const [wait, open] of waits) {
        if (open.stuck || open.on !== 'pipe.recv' || open.object === null || !senderless(open.object, lid)) continue
        // Something was received since: this wait may be served already, its resume on the way.
        if ((this.env.delivered?.(open.object) ?? 0) !== open.delivered) continue
        open.stuck = true
        this.env.emit(lid, { kind: 'process.stuck', lid, pid: open.pid, wait, on: 'pipe.recv', object: open.object }, this.env.now())
      }
    }
  }

  /** How many waits a process has open (tests). */
  openCount(lid: string): number {
    return this.open.get(lid)?.size ?? 0
  }

  private began(lid: string, pid: number, message: Extract<UpMessage, { op: 'wait' }>): string | null {
    const problem = this.waitProblem(lid, message)
    if (problem) return problem
    let waits = this.open.get(lid)
    if (!waits) this.open.set(lid, (waits = new Map()))
    const now = this.env.now()
    const waitedUs = Math.max(0, Math.round(message.waitedUs))
    const { wait, on, object, target, timeoutMs } = message
    waits.set(wait, { pid, since: now - waitedUs, on, object, stuck: false, delivered: object !== null && on === 'pipe.recv' ? (this.env.delivered?.(object) ?? 0) : 0 })
    this.env.emit(lid, { kind: 'process.wait', lid, pid, wait, on, object, target, timeoutMs, waitedUs }, now)
    return null
  }

  private ended(lid: string, message: Extract<UpMessage, { op: 'resume' }>): string | null {
    const open = this.open.get(lid)?.get(message.wait)
    if (!open) return `ended wait ${message.wait}, which it had not reported (or had ended already)`
    const outcome: string = message.outcome
    if (!WAIT_OUTCOMES.includes(message.outcome) || outcome === 'gone') return `ended a wait with outcome ${JSON.stringify(message.outcome).slice(0, 40)}`
    this.open.get(lid)!.delete(message.wait)
    const now = this.env.now()
    // The process's own measure: it knows when its call began.
    const waitedUs = Math.max(0, Math.round(message.waitedUs))
    this.env.emit(lid, { kind: 'process.resume', lid, pid: open.pid, wait: message.wait, outcome: message.outcome, waitedUs }, now)
    return null
  }

  private waitProblem(lid: string, message: Extract<UpMessage, { op: 'wait' }>): string | null {
    const { wait, on, object, target, timeoutMs } = message
    if (!WAIT_ONS.includes(on)) return `reported a wait in ${JSON.stringify(on).slice(0, 40)}, which is no blocking call`
    if (this.open.get(lid)?.has(wait)) return `reported wait ${wait} twice`
    if ((this.open.get(lid)?.size ?? 0) >= MAX_OPEN_PER_PROCESS) return `reported more than ${MAX_OPEN_PER_PROCESS} waits at once`
    if (timeoutMs !== null && !(typeof timeoutMs === 'number' && timeoutMs >= 0)) return `reported a wait with a bad timeout`
    const needsObject = !NO_OBJECT.has(on)
    if (needsObject ? typeof object !== 'string' || !this.env.objectKnown(lid, object) : object !== null) return `reported a wait in ${on} on ${describe(object)}, which is not an object of its run`
    if (on === 'join' ? typeof target !== 'string' || !this.env.processKnown(lid, target) : target !== null) return `reported joining ${describe(target)}, which is not a process of its run`
    return null
  }
}

/** Waits on no shared object: a process (join) or time (sleep). */
const NO_OBJECT: ReadonlySet<WaitOn> = new Set(['join', 'sleep'])

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : String(value)
}
