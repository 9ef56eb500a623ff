// Every shared object of the host's lab, by id: creates them from `create` messages, routes calls
// and tells, and tells them when a process is gone.
import type { SharedObjectType } from '../../../../src-shared/events'
import { unknownMethod, type BrokerObject, type Call, type Caller, type ObjectContents, type ObjectEnv } from './base'
import { BarrierObject } from './barrier'
import { ConditionObject } from './condition'
import { EventObject } from './event'
import { DictObject, ListObject, NamespaceObject } from './managed'
import { PipeObject } from './pipe'
import { PoolObject } from './pool'
import { openQueueMemory, QueueObject } from './queue'
import { SemaphoreObject } from './semaphore'
import { ValueObject } from './value'
import { ShmLockObject } from './shm-lock'
import type { SegmentAddress } from '../../shm/segment'
import { DeadlockWatch } from '../wait-for'

export interface TableEnv {
  emit(who: { lid: string; pid: number }, event: Parameters<ObjectEnv['emit']>[1], oid: string, at?: number): void
  warn(message: string, oid: string): void
  now(): number
  processWithPid(pid: number): { lid: string; pid: number } | undefined
  /** A deadlock began or ended (issue 17); `oid`: an object of its cycle, which names the run. */
  deadlock(event: DeadlockEvent, oid: string): void
}

type DeadlockEvent = ReturnType<DeadlockWatch['update']>[number]

/** The operation any object answers with the messages the broker received about it (tests, bench). */
export const RECEIVED_STATS = 'stats.received'

export class ObjectTable {
  private readonly objects = new Map<string, BrokerObject>()
  /** Messages received per object and operation: how tests see that a fast path sends none. */
  private readonly received = new Map<string, Map<string, number>>()
  /** Objects that can be in a deadlock (they have a waitState), and the graph over them. */
  private readonly lockLike = new Set<BrokerObject>()
  private readonly deadlocks = new DeadlockWatch()
  /** Processes gone since the graph was last looked at (their deadlocks end as 'gone'). */
  private readonly gone = new Set<string>()
  private checkPending = false
  /** An object of each open deadlock's cycle: its run's. */
  private readonly deadlockObject = new Map<number, string>()

  constructor(private readonly env: TableEnv) {}

  /** Makes the object; returns its capacity for telemetry, or an error for a malformed request. */
  create(creator: Caller, oid: string, type: SharedObjectType, name: string, options: Record<string, unknown>): { capacity: number | null } | { error: string } {
    if (this.objects.has(oid) || !oid.startsWith(`${creator.lid}/`)) return { error: `bad object id '${oid}'` }
    const env: ObjectEnv = {
      emit: (who, event, at) => {
        // Every change of a lock's waiters or holders is told by a lock event (timeouts too).
        if (event.kind.startsWith('lock.')) this.checkDeadlocksSoon()
        this.env.emit(who, event, oid, at)
      },
      warn: (message) => this.env.warn(message, oid),
      now: this.env.now,
      processWithPid: this.env.processWithPid,
      lookup: (id) => this.objects.get(id),
    }
    const count = (key: string) => (Number.isInteger(options[key]) && (options[key] as number) >= 0 ? (options[key] as number) : null)
    let object: BrokerObject
    let capacity: number | null = null
    switch (type) {
      case 'lock':
        if (isSegmentAddress(options.shm)) {
          try {
            object = new ShmLockObject(oid, name, options.shm, env)
          } catch (error) {
            return { error: `lock ${name}: cannot map its shared memory: ${error instanceof Error ? error.message : String(error)}` }
          }
          capacity = 1
          break
        }
        capacity = 1
        object = new SemaphoreObject(oid, type, name, capacity, env)
        break
      case 'rlock':
      case 'semaphore':
      case 'bounded-semaphore':
        capacity = count('value') ?? 1
        object = new SemaphoreObject(oid, type, name, capacity, env)
        break
      case 'event':
        object = new EventObject(oid, name)
        break
      case 'condition':
        if (typeof options.lock !== 'string' || !this.objects.has(options.lock)) return { error: `condition ${name}: unknown lock` }
        // A Condition's wait releases and retakes its lock in the broker: a shared-memory Lock
        // under it goes through the broker from now on.
        ;(this.objects.get(options.lock) as { pin?: () => void }).pin?.()
        object = new ConditionObject(oid, name, options.lock, env)
        break
      case 'barrier':
        capacity = count('parties')
        if (!capacity) return { error: `barrier ${name}: parties must be ≥ 1` }
        object = new BarrierObject(oid, name, capacity)
        break
      case 'queue':
      case 'joinable-queue':
      case 'simple-queue':
        capacity = count('maxsize') ?? 0
        object = new QueueObject(oid, type, name, capacity, env, openQueueMemory(options.memory, env))
        capacity ||= null
        break
      case 'pipe':
        object = new PipeObject(oid, name, creator, env, options.ring)
        break
      case 'value':
      case 'array': {
        const opened = ValueObject.open(oid, type, name, options, creator, env)
        if (typeof opened === 'string') return { error: opened }
        object = opened
        capacity = count('length')
        break
      }
      case 'dict':
        object = new DictObject(oid, name, env)
        break
      case 'list':
        object = new ListObject(oid, name, env)
        break
      case 'namespace':
        object = new NamespaceObject(oid, name, env)
        break
      case 'pool':
        capacity = count('processes')
        object = new PoolObject(oid, name, env)
        break
      default:
        return { error: `unknown object type '${String(type)}'` }
    }
    this.objects.set(oid, object)
    if (object.waitState) this.lockLike.add(object)
    return { capacity }
  }

  call(oid: string, method: string, args: unknown, call: Call): void {
    const object = this.objects.get(oid)
    if (!object) return call.fail('ProcessError', `no shared object '${oid}' (it belongs to an earlier run?)`)
    if (method === RECEIVED_STATS) return call.reply(Object.fromEntries(this.received.get(oid) ?? []))
    this.count(oid, method)
    object.call(method, asArgs(args), call)
    // A shared-memory Lock's waiter may be queued before any event of it is emitted (see shm-lock.ts).
    if (object.waitState) this.checkDeadlocksSoon()
  }

  tell(oid: string, method: string, args: unknown, caller: Caller): void {
    this.count(oid, method)
    const object = this.objects.get(oid)
    if (object?.tell) object.tell(method, asArgs(args), caller)
    else if (object) unknownMethod(object, method)
  }

  /** `holds` entries are `oid` or `oid#part` (a pipe end). */
  hold(lid: string, holds: readonly string[]): void {
    for (const entry of holds) {
      const [oid, part] = entry.split('#')
      this.objects.get(oid!)?.hold?.(lid, part === undefined ? null : Number(part))
    }
  }

  private count(oid: string, method: string): void {
    let counts = this.received.get(oid)
    if (!counts) this.received.set(oid, (counts = new Map()))
    counts.set(method, (counts.get(method) ?? 0) + 1)
  }

  /** Whether nothing can ever arrive for `lid` receiving from pipe `oid` (issue 17). */
  senderless(oid: string, lid: string): boolean {
    const object = this.objects.get(oid)
    return object instanceof PipeObject && object.senderless(lid)
  }

  /** Messages received from pipe `oid` so far (0 for anything else): see PipeObject.delivered. */
  delivered(oid: string): number {
    const object = this.objects.get(oid)
    return object instanceof PipeObject ? object.delivered() : 0
  }

  /** What every object that holds items holds now: its first `n` as short text, and its count. */
  contents(n: number): Array<{ oid: string; contents: ObjectContents[] }> {
    const found: Array<{ oid: string; contents: ObjectContents[] }> = []
    for (const object of this.objects.values()) if (object.contents) found.push({ oid: object.oid, contents: object.contents(n) })
    return found
  }

  has(oid: string): boolean {
    return this.objects.has(oid)
  }

  processGone(lid: string, pid: number): void {
    for (const object of this.objects.values()) object.processGone(lid, pid)
    this.gone.add(lid)
    this.checkDeadlocksSoon()
  }

  /**
   * Looks at the wait-for graph once the current burst of messages is handled (one look for many
   * lock operations); a deadlock is named within a turn of the event loop of its last wait.
   */
  private checkDeadlocksSoon(): void {
    if (this.checkPending) return
    this.checkPending = true
    setImmediate(() => {
      this.checkPending = false
      this.checkDeadlocks()
    })
  }

  private checkDeadlocks(): void {
    const states = []
    for (const object of this.lockLike) {
      const state = object.waitState!()
      if (state) states.push(state)
    }
    const changes = this.deadlocks.update(states, this.gone)
    this.gone.clear()
    for (const change of changes) this.reportDeadlock(change)
  }

  /** Tells a deadlock's change under the run of its cycle's objects. */
  private reportDeadlock(change: DeadlockEvent): void {
    if (change.kind === 'deadlock.found') this.deadlockObject.set(change.deadlock, change.cycle[0]!.waitsFor)
    const oid = this.deadlockObject.get(change.deadlock) ?? ''
    if (change.kind === 'deadlock.cleared') this.deadlockObject.delete(change.deadlock)
    this.env.deadlock(change, oid)
  }

  /** Objects of a finished run are dropped; their ids start with the run's id. */
  dropRun(runId: string): void {
    const ofRun = (oid: string) => oid.startsWith(`${runId}/`) || oid.startsWith(`${runId}.`)
    for (const change of this.deadlocks.clearWhere((cycle) => ofRun(cycle[0]!.waitsFor))) this.reportDeadlock(change)
    for (const [oid, object] of this.objects) {
      if (!ofRun(oid)) continue
      this.lockLike.delete(object)
      this.objects.delete(oid)
      this.received.delete(oid)
      object.dispose?.()
    }
  }
}

function isSegmentAddress(value: unknown): value is SegmentAddress {
  const address = value as SegmentAddress | null
  return typeof address === 'object' && address !== null && typeof address.name === 'string' && typeof address.size === 'number'
}

function asArgs(args: unknown): Record<string, unknown> {
  return typeof args === 'object' && args !== null ? (args as Record<string, unknown>) : {}
}
