// Event in the broker: a flag and the processes waiting for it to be set.
import { startTimer, timeoutArg, unknownMethod, type BrokerObject, type Call } from './base'

interface Waiter {
  lid: string
  wake(set: boolean): void
}

export class EventObject implements BrokerObject {
  readonly type = 'event'
  private flag = false
  private waiters: Waiter[] = []

  constructor(
    readonly oid: string,
    readonly name: string,
  ) {}

  call(method: string, args: Record<string, unknown>, call: Call): void {
    switch (method) {
      case 'set':
        this.flag = true
        for (const waiter of this.waiters.splice(0)) waiter.wake(true)
        return call.reply()
      case 'clear':
        this.flag = false
        return call.reply()
      case 'isSet':
        return call.reply(this.flag)
      case 'wait': {
        const timeout = timeoutArg(args, call)
        if (timeout === undefined) return
        if (this.flag || timeout === 0) return call.reply(this.flag)
        const waiter: Waiter = {
          lid: call.caller.lid,
          wake: (set) => {
            cancel()
            call.reply(set)
          },
        }
        const cancel = startTimer(timeout, () => {
          this.waiters = this.waiters.filter((w) => w !== waiter)
          call.reply(false)
        })
        this.waiters.push(waiter)
        return
      }
      default:
        return unknownMethod(this, method, call)
    }
  }

  processGone(lid: string): void {
    this.waiters = this.waiters.filter((w) => w.lid !== lid)
  }
}
