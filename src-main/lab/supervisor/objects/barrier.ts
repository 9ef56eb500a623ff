// Barrier in the broker. Arrivals are counted; the last one to arrive runs the action (if any)
// and reports back, then everyone is released with their arrival index. A timeout, an abort, a
// failing action or a waiter that dies breaks it for everyone (BrokenBarrierError), as in Python.
import { startTimer, timeoutArg, unknownMethod, type BrokerObject, type Call } from './base'

interface Arrival {
  call: Call
  index: number
  cancel(): void
}

export class BarrierObject implements BrokerObject {
  readonly type = 'barrier'
  private arrivals: Arrival[] = []
  private broken = false
  /** The last arrival, running the action; the others wait for it. */
  private actionRunner: Arrival | null = null

  constructor(
    readonly oid: string,
    readonly name: string,
    private readonly parties: number,
  ) {}

  call(method: string, args: Record<string, unknown>, call: Call): void {
    switch (method) {
      case 'wait': {
        const timeout = timeoutArg(args, call)
        if (timeout === undefined) return
        return this.arrive(call, timeout)
      }
      case 'actionDone':
        if (!this.actionRunner || this.actionRunner.call.caller.lid !== call.caller.lid) return call.fail('ProcessError', 'no barrier action is running in this process')
        this.actionRunner = null
        if (args.ok) this.release()
        else this.break()
        return call.reply()
      case 'abort':
        this.break()
        return call.reply()
      case 'reset':
        this.break()
        this.broken = false
        return call.reply()
      case 'nWaiting':
        return call.reply(this.actionRunner ? 0 : this.arrivals.length)
      case 'broken':
        return call.reply(this.broken)
      default:
        return unknownMethod(this, method, call)
    }
  }

  processGone(lid: string): void {
    if (this.arrivals.some((a) => a.call.caller.lid === lid) || this.actionRunner?.call.caller.lid === lid) {
      this.arrivals = this.arrivals.filter((a) => a.call.caller.lid !== lid)
      this.actionRunner = null
      this.break()
    }
  }

  private arrive(call: Call, timeout: number | null): void {
    if (this.broken) return call.fail('BrokenBarrierError', `${this.name} is broken`)
    if (this.actionRunner) return call.fail('BrokenBarrierError', `${this.name} is still releasing the previous pass`)
    const index = this.arrivals.length
    if (index + 1 === this.parties) {
      // The last arrival: it runs the action (which may be none) before anyone is let through.
      this.actionRunner = { call, index, cancel: () => undefined }
      return call.reply({ index, runAction: true })
    }
    const arrival: Arrival = { call, index, cancel: () => undefined }
    arrival.cancel = startTimer(timeout, () => this.break())
    this.arrivals.push(arrival)
  }

  private release(): void {
    for (const arrival of this.arrivals.splice(0)) {
      arrival.cancel()
      arrival.call.reply({ index: arrival.index, runAction: false })
    }
  }

  private break(): void {
    this.broken = true
    for (const arrival of this.arrivals.splice(0)) {
      arrival.cancel()
      arrival.call.fail('BrokenBarrierError', `${this.name} is broken`)
    }
  }
}
