// Every shared object of the host's lab, by id: creates them from `create` messages, routes calls
// and tells, and tells them when a process is gone.
import type { SharedObjectType } from '../../../../src-shared/events'
import { unknownMethod, type BrokerObject, type Call, type Caller, type ObjectEnv } from './base'
import { BarrierObject } from './barrier'
import { ConditionObject } from './condition'
import { EventObject } from './event'
import { PipeObject } from './pipe'
import { openQueueMemory, QueueObject } from './queue'
import { SemaphoreObject } from './semaphore'

export interface TableEnv {
  emit(who: { lid: string; pid: number }, event: Parameters<ObjectEnv['emit']>[1], oid: string): void
  warn(message: string, oid: string): void
  now(): number
}

export class ObjectTable {
  private readonly objects = new Map<string, BrokerObject>()

  constructor(private readonly env: TableEnv) {}

  /** Makes the object; returns its capacity for telemetry, or an error for a malformed request. */
  create(creator: Caller, oid: string, type: SharedObjectType, name: string, options: Record<string, unknown>): { capacity: number | null } | { error: string } {
    if (this.objects.has(oid) || !oid.startsWith(`${creator.lid}/`)) return { error: `bad object id '${oid}'` }
    const env: ObjectEnv = {
      emit: (who, event) => this.env.emit(who, event, oid),
      warn: (message) => this.env.warn(message, oid),
      now: this.env.now,
      lookup: (id) => this.objects.get(id),
    }
    const count = (key: string) => (Number.isInteger(options[key]) && (options[key] as number) >= 0 ? (options[key] as number) : null)
    let object: BrokerObject
    let capacity: number | null = null
    switch (type) {
      case 'lock':
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
        object = new PipeObject(oid, name, creator.lid, env)
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
    object.call(method, asArgs(args), call)
  }

  tell(oid: string, method: string, args: unknown, caller: Caller): void {
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

  processGone(lid: string, pid: number): void {
    for (const object of this.objects.values()) object.processGone(lid, pid)
  }

  /** Objects of a finished run are dropped; their ids start with the run's id. */
  dropRun(runId: string): void {
    for (const [oid, object] of this.objects) {
      if (!oid.startsWith(`${runId}/`) && !oid.startsWith(`${runId}.`)) continue
      this.objects.delete(oid)
      object.dispose?.()
    }
  }
}

function asArgs(args: unknown): Record<string, unknown> {
  return typeof args === 'object' && args !== null ? (args as Record<string, unknown>) : {}
}
