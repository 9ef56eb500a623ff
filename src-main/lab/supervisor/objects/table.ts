// Every shared object of the host's lab, by id: creates them from `create` messages, routes calls
// and tells, and tells them when a process is gone.
import type { SharedObjectType } from '../../../../src-shared/events'
import { unknownMethod, type BrokerObject, type Call, type Caller, type ObjectEnv } from './base'
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

export interface TableEnv {
  emit(who: { lid: string; pid: number }, event: Parameters<ObjectEnv['emit']>[1], oid: string, at?: number): void
  warn(message: string, oid: string): void
  now(): number
  processWithPid(pid: number): { lid: string; pid: number } | undefined
}

/** The operation any object answers with the messages the broker received about it (tests, bench). */
export const RECEIVED_STATS = 'stats.received'

export class ObjectTable {
  private readonly objects = new Map<string, BrokerObject>()
  /** Messages received per object and operation: how tests see that a fast path sends none. */
  private readonly received = new Map<string, Map<string, number>>()

  constructor(private readonly env: TableEnv) {}

  /** Makes the object; returns its capacity for telemetry, or an error for a malformed request. */
  create(creator: Caller, oid: string, type: SharedObjectType, name: string, options: Record<string, unknown>): { capacity: number | null } | { error: string } {
    if (this.objects.has(oid) || !oid.startsWith(`${creator.lid}/`)) return { error: `bad object id '${oid}'` }
    const env: ObjectEnv = {
      emit: (who, event, at) => this.env.emit(who, event, oid, at),
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
    return { capacity }
  }

  call(oid: string, method: string, args: unknown, call: Call): void {
    const object = this.objects.get(oid)
    if (!object) return call.fail('ProcessError', `no shared object '${oid}' (it belongs to an earlier run?)`)
    if (method === RECEIVED_STATS) return call.reply(Object.fromEntries(this.received.get(oid) ?? []))
    this.count(oid, method)
    object.call(method, asArgs(args), call)
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

  has(oid: string): boolean {
    return this.objects.has(oid)
  }

  processGone(lid: string, pid: number): void {
    for (const object of this.objects.values()) object.processGone(lid, pid)
  }

  /** Objects of a finished run are dropped; their ids start with the run's id. */
  dropRun(runId: string): void {
    for (const [oid, object] of this.objects) {
      if (!oid.startsWith(`${runId}/`) && !oid.startsWith(`${runId}.`)) continue
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
