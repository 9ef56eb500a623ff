// The base of every shared object (Lock, Queue, Pipe, ...). The state lives in the host's broker;
// an object in a lab process is a handle that names it by `oid`. Handles cross to other processes
// by reference (see reduction.ts) and arrive there as live handles to the same object.
import type { SharedObjectType } from '../../src-shared/events'
import { labContext } from './context'
import type { Push } from './protocol'

/** How a handle travels inside structured-cloned data. */
export const REF_KEY = '__proclab_object__'

export interface ObjectRef {
  [REF_KEY]: true
  type: SharedObjectType
  oid: string
  name: string
  /** What the class needs to rebuild its handle (a pipe end's index, a queue's maxsize, ...). */
  extra: Record<string, unknown>
}

type Rebuild = (ref: ObjectRef) => SharedObject
const rebuilders = new Map<SharedObjectType, Rebuild>()
/** Handles known in this process, so one object decoded twice is one handle. */
const handles = new Map<string, SharedObject>()
let objectCounter = 0

export abstract class SharedObject {
  declare readonly oid: string
  declare readonly name: string
  declare readonly type: SharedObjectType

  /** Makes a new object in the broker. Subclasses call it from their constructor. */
  protected register(type: SharedObjectType, name: string | undefined, options: Record<string, unknown>): void {
    const context = labContext()
    const number = ++objectCounter
    const oid = `${context.lid}/${number}`
    // Lock-3 in the lab main; Lock-1:2-3 in the process whose identity is [1, 2].
    const where = context.identity.length ? `${context.identity.join(':')}-` : ''
    defineIdentity(this, type, oid, name ?? `${defaultLabel(type)}-${where}${number}`)
    this.remember()
    context.channel.send({ op: 'create', oid, type, name: this.name, options })
  }

  /** The handle's key in this process: the oid, or more where one object has several handles (pipe ends). */
  protected handleKey(): string | null {
    return this.oid
  }

  /** Makes this handle the one that refs with its key decode to, in this process. */
  protected remember(): void {
    const key = this.handleKey()
    if (key !== null) handles.set(key, this)
  }

  /** What the class needs to rebuild the handle elsewhere; override to add fields. */
  protected refExtra(): Record<string, unknown> {
    return {}
  }

  /** Rebuilds local state from a ref; override when refExtra carries something. */
  protected adopt(_extra: Record<string, unknown>): void {}

  /** A message the broker sent about this object on its own initiative. */
  onPush(_method: string, _args: unknown): void {}

  toRef(): ObjectRef {
    return { [REF_KEY]: true, type: this.type, oid: this.oid, name: this.name, extra: this.refExtra() }
  }

  protected call<T = unknown>(method: string, args?: unknown): Promise<T> {
    return labContext().channel.request({ op: 'call', oid: this.oid, method, args }) as Promise<T>
  }

  protected tell(method: string, args?: unknown): void {
    labContext().channel.send({ op: 'tell', oid: this.oid, method, args })
  }

  /** Adds `n` to a count sent with `method`, one message per batch (acknowledgements). */
  protected tellCount(method: string, args: Record<string, unknown>, n = 1): void {
    const key = `${this.oid}:${method}:${String(args.end ?? '')}`
    labContext().channel.sendMerged(
      key,
      () => ({ op: 'tell' as const, oid: this.oid, method, args: { ...args, n } }),
      (message) => {
        ;(message.args as { n: number }).n += n
      },
    )
  }

  /** Sends without waiting for an answer, resolving once the message has left this process. */
  protected tellWritten(method: string, args?: unknown): Promise<void> {
    return labContext().channel.sendWritten({ op: 'tell', oid: this.oid, method, args })
  }

  toString(): string {
    return `<${this.constructor.name} ${this.name}>`
  }

  /** Each class says how to rebuild its handles; `prototype` is the class's. */
  static defineRebuild(type: SharedObjectType, prototype: object): void {
    rebuilders.set(type, (ref) => {
      const handle = Object.create(prototype) as SharedObject
      defineIdentity(handle, ref.type, ref.oid, ref.name)
      handle.adopt(ref.extra)
      return handle
    })
  }
}

export function isObjectRef(value: unknown): value is ObjectRef {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[REF_KEY] === true
}

/** The live handle for a ref that arrived from another process. */
export function handleFor(ref: ObjectRef): SharedObject {
  const known = handles.get(keyOf(ref.oid, ref.extra))
  if (known) return known
  const rebuild = rebuilders.get(ref.type)
  if (!rebuild) throw new TypeError(`cannot rebuild a shared object of type '${ref.type}'`)
  const handle = rebuild(ref)
  handles.set(keyOf(ref.oid, ref.extra), handle)
  return handle
}

/** Routes the broker's pushes to their handles. */
export function deliverPush(push: Push): void {
  handles.get(keyOf(push.oid, push.args))?.onPush(push.method, push.args)
}

function keyOf(oid: string, extra: unknown): string {
  const end = (extra as { end?: unknown } | null)?.end
  return typeof end === 'number' ? `${oid}#${end}` : oid
}

function defineIdentity(target: SharedObject, type: SharedObjectType, oid: string, name: string): void {
  Object.defineProperties(target, {
    oid: { value: oid, enumerable: false },
    name: { value: name, enumerable: false },
    type: { value: type, enumerable: false },
  })
}

const LABELS: Record<SharedObjectType, string> = {
  lock: 'Lock',
  rlock: 'RLock',
  semaphore: 'Semaphore',
  'bounded-semaphore': 'BoundedSemaphore',
  event: 'Event',
  condition: 'Condition',
  barrier: 'Barrier',
  queue: 'Queue',
  'joinable-queue': 'JoinableQueue',
  'simple-queue': 'SimpleQueue',
  pipe: 'Pipe',
  value: 'Value',
  array: 'Array',
  dict: 'dict',
  list: 'list',
  namespace: 'Namespace',
  pool: 'Pool',
}

function defaultLabel(type: SharedObjectType): string {
  return LABELS[type]
}
