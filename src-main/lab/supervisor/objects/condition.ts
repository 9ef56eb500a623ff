// Condition in the broker. wait() releases the lock (all the way, for an RLock), sleeps until a
// notify or the timeout, then takes the lock back at the depth it had before answering.
import { startTimer, timeoutArg, unknownMethod, type BrokerObject, type Call, type ObjectEnv } from './base'
import { SemaphoreObject } from './semaphore'
import { ShmLockObject } from './shm-lock'

interface Sleeper {
  call: Call
  depth: number
  wake(notified: boolean): void
}

export class ConditionObject implements BrokerObject {
  readonly type = 'condition'
  private sleepers: Sleeper[] = []

  constructor(
    readonly oid: string,
    readonly name: string,
    private readonly lockOid: string,
    private readonly env: ObjectEnv,
  ) {}

  call(method: string, args: Record<string, unknown>, call: Call): void {
    const lock = this.env.lookup(this.lockOid)
    if (!(lock instanceof SemaphoreObject) && !(lock instanceof ShmLockObject)) return call.fail('ProcessError', `the lock of ${this.name} is gone`)
    switch (method) {
      case 'wait': {
        const timeout = timeoutArg(args, call)
        if (timeout === undefined) return
        const depth = lock.releaseAll(call.caller)
        if (typeof depth === 'string') return call.fail('ProcessError', depth)
        const sleeper: Sleeper = {
          call,
          depth,
          wake: (notified) => {
            cancel()
            this.sleepers = this.sleepers.filter((s) => s !== sleeper)
            // Answer only once the lock is held again, as Python's wait returns holding it.
            lock.acquire(call.caller, null, () => call.reply(notified), depth)
          },
        }
        const cancel = startTimer(timeout, () => sleeper.wake(false))
        this.sleepers.push(sleeper)
        return
      }
      case 'notify': {
        if (!lock.isHeldBy(call.caller.lid, call.caller.pid)) return call.fail('ProcessError', `cannot notify on ${this.name}: this process does not hold its lock`)
        if (typeof args.n !== 'number') return call.fail('TypeError', `notify(n): n must be a number, got ${typeof args.n}`)
        for (const sleeper of this.sleepers.slice(0, args.n)) sleeper.wake(true)
        return call.reply()
      }
      default:
        return unknownMethod(this, method, call)
    }
  }

  processGone(lid: string): void {
    this.sleepers = this.sleepers.filter((s) => s.call.caller.lid !== lid)
  }
}
