// Python's multiprocessing.Manager(): a dict, a list and a Namespace that every process it is
// passed to reads and writes. ProcLab's broker already is the manager process: it holds the data,
// and each proxy method is one call to it (see supervisor/objects/managed.ts), answered in arrival
// order. Values cross as a Queue's items do (structured clone; shared objects inside stay live),
// and every read returns a fresh copy: change it and write it back, as with Python's proxies.
import { inspect } from 'node:util'
import { labContext } from './context'
import { ProcessError } from './errors'
import { decodeItem, encodeItem } from './item-codec'
import { SharedObject } from './objects'
import { fromRefs, toRefs } from './reduction'
import { Lock, RLock, Semaphore, BoundedSemaphore, Event, Condition, Barrier, type BarrierOptions, type NameOption } from './synchronize'
import { Queue, JoinableQueue, type QueueOptions } from './queues'

/** A dict key: a string or a finite number; 1 and '1' are two keys, as in Python. */
export type DictKey = string | number

type Contents<V> = Record<string, V> | Map<DictKey, V> | Iterable<readonly [DictKey, V]>

/** The part the three proxies share: their calls, and how values are encoded and decoded. */
abstract class ManagedProxy extends SharedObject {
  protected make(type: 'dict' | 'list' | 'namespace', name: string | undefined, initial: Record<string, unknown> | null): void {
    this.register(type, name, {})
    // The initial contents follow the create message on the same socket: no process can see the
    // object before them.
    if (initial) this.tell('init', initial)
  }

  /** Python's manager.shutdown() for this object: ManagerShutdown does it for all of a manager's. */
  shutdown(): Promise<void> {
    return this.call('shutdown')
  }

  [inspect.custom](): string {
    return `${this.constructor.name}(${this.name}) (its contents: await ${this.type === 'namespace' ? 'ns' : this.type === 'dict' ? 'd' : 'l'}.copy())`
  }

  override toString(): string {
    return `<${this.constructor.name} ${this.name}>`
  }
}

/**
 * Python's manager.dict(). Where Python writes `d[k] = v`, `d[k]`, `k in d`, `del d[k]`, `len(d)`,
 * ProcLab writes `await d.set(k, v)`, `await d.getItem(k)`, `await d.has(k)`, `await d.delete(k)`,
 * `await d.length()`.
 */
export class DictProxy<V = unknown> extends ManagedProxy {
  constructor(initial?: Contents<V>, options: NameOption = {}) {
    super()
    const entries = initial === undefined ? [] : encodeEntries(initial, 'manager.dict')
    this.make('dict', options.name, entries.length ? { entries } : null)
  }

  async set(key: DictKey, value: V): Promise<void> {
    await this.call('set', { key: checkKey(key, 'set'), value: encode(value, `${this.name}.set`) })
  }

  /** Python's d.get(k, default): the default (undefined if none) when the key is missing. */
  async get(key: DictKey): Promise<V | undefined>
  async get<D>(key: DictKey, defaultValue: D): Promise<V | D>
  async get(key: DictKey, defaultValue?: unknown): Promise<unknown> {
    const bytes = await this.call<Uint8Array | null>('get', { key: checkKey(key, 'get') })
    return bytes === null ? defaultValue : decode(bytes)
  }

  /** Python's d[k]: rejects with KeyError when the key is missing. */
  async getItem(key: DictKey): Promise<V> {
    return decode(await this.call<Uint8Array>('getItem', { key: checkKey(key, 'getItem') })) as V
  }

  /** Python's `k in d`. */
  has(key: DictKey): Promise<boolean> {
    return this.call<boolean>('has', { key: checkKey(key, 'has') })
  }

  /** Python's `del d[k]`: rejects with KeyError when the key is missing. */
  async delete(key: DictKey): Promise<void> {
    await this.call('delete', { key: checkKey(key, 'delete') })
  }

  /** Python's d.pop(k[, default]): KeyError when missing and no default is given. */
  async pop(key: DictKey): Promise<V>
  async pop<D>(key: DictKey, defaultValue: D): Promise<V | D>
  async pop(key: DictKey, ...rest: unknown[]): Promise<unknown> {
    const bytes = await this.call<Uint8Array | null>('pop', { key: checkKey(key, 'pop'), hasDefault: rest.length > 0 })
    return bytes === null ? rest[0] : decode(bytes)
  }

  /** Python's d.popitem(): the last entry written, removed; KeyError when empty. */
  async popItem(): Promise<[DictKey, V]> {
    const [key, bytes] = await this.call<[DictKey, Uint8Array]>('popItem')
    return [key, decode(bytes) as V]
  }

  /** Python's d.setdefault(k, v): the value at k, after writing v there if it had none. */
  async setDefault(key: DictKey, value: V): Promise<V> {
    return decode(await this.call<Uint8Array>('setDefault', { key: checkKey(key, 'setDefault'), value: encode(value, `${this.name}.setDefault`) })) as V
  }

  /** Python's d.update(other): a plain object, a Map or [key, value] pairs, written in one call. */
  async update(other: Contents<V>): Promise<void> {
    await this.call('update', { entries: encodeEntries(other, `${this.name}.update`) })
  }

  async clear(): Promise<void> {
    await this.call('clear')
  }

  /** Python's len(d). */
  length(): Promise<number> {
    return this.call<number>('length')
  }

  keys(): Promise<DictKey[]> {
    return this.call<DictKey[]>('keys')
  }

  async values(): Promise<V[]> {
    return (await this.call<Uint8Array[]>('values')).map((bytes) => decode(bytes) as V)
  }

  /** [key, value] pairs in insertion order: the exact keys (numbers stay numbers). */
  async items(): Promise<Array<[DictKey, V]>> {
    return (await this.call<Array<[DictKey, Uint8Array]>>('items')).map(([key, bytes]) => [key, decode(bytes) as V])
  }

  /** Python's dict(d) as a plain object (number keys become strings there; items() keeps them). */
  async copy(): Promise<Record<string, V>> {
    return Object.fromEntries(await this.items()) as Record<string, V>
  }
}

/**
 * Python's manager.list(). `l[i]`, `l[i] = x`, `del l[i]`, `len(l)`, `l[:]` are `await l.get(i)`,
 * `await l.set(i, x)`, `await l.delete(i)`, `await l.length()`, `await l.copy()`; negative indexes
 * count from the end, and an index out of range rejects with IndexError.
 */
export class ListProxy<T = unknown> extends ManagedProxy {
  constructor(initial?: Iterable<T>, options: NameOption = {}) {
    super()
    const values = initial === undefined ? [] : encodeAll(initial, 'manager.list')
    this.make('list', options.name, values.length ? { values } : null)
  }

  async append(value: T): Promise<void> {
    await this.call('append', { value: encode(value, `${this.name}.append`) })
  }

  async extend(values: Iterable<T>): Promise<void> {
    await this.call('extend', { values: encodeAll(values, `${this.name}.extend`) })
  }

  async insert(index: number, value: T): Promise<void> {
    await this.call('insert', { index: checkIndex(index, 'insert'), value: encode(value, `${this.name}.insert`) })
  }

  async get(index: number): Promise<T> {
    return decode(await this.call<Uint8Array>('get', { index: checkIndex(index, 'get') })) as T
  }

  async set(index: number, value: T): Promise<void> {
    await this.call('set', { index: checkIndex(index, 'set'), value: encode(value, `${this.name}.set`) })
  }

  /** Python's `del l[i]`. */
  async delete(index: number): Promise<void> {
    await this.call('delete', { index: checkIndex(index, 'delete') })
  }

  /** Python's l.pop([i]): the last element, or the one at i; IndexError when empty or out of range. */
  async pop(index?: number): Promise<T> {
    return decode(await this.call<Uint8Array>('pop', { index: index === undefined ? null : checkIndex(index, 'pop') })) as T
  }

  /** Removes the first element equal to `value` (deep equality); ValueError when there is none. */
  async remove(value: T): Promise<void> {
    await this.call('remove', { value: encode(value, `${this.name}.remove`) })
  }

  /** The index of the first element equal to `value` (deep equality); ValueError when there is none. */
  index(value: T): Promise<number> {
    return this.call<number>('index', { value: encode(value, `${this.name}.index`) })
  }

  count(value: T): Promise<number> {
    return this.call<number>('count', { value: encode(value, `${this.name}.count`) })
  }

  async reverse(): Promise<void> {
    await this.call('reverse')
  }

  /** Sorts numbers or strings in the broker (a compare function cannot cross: sort a copy() for that). */
  async sort(options: { reverse?: boolean } = {}): Promise<void> {
    await this.call('sort', { reverse: options.reverse === true })
  }

  async clear(): Promise<void> {
    await this.call('clear')
  }

  /** Python's len(l). */
  length(): Promise<number> {
    return this.call<number>('length')
  }

  /** Python's l[:] or list(l): every element, as one array. */
  async copy(): Promise<T[]> {
    return (await this.call<Uint8Array[]>('copy')).map((bytes) => decode(bytes) as T)
  }

  /** `for await (const x of l)`: over a copy taken when the loop starts. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    yield* await this.copy()
  }
}

/** Python's manager.Namespace(): `ns.x = v` and `ns.x` are `await ns.set('x', v)` and `await ns.get('x')`. */
export class NamespaceProxy extends ManagedProxy {
  constructor(initial: Record<string, unknown> = {}, options: NameOption = {}) {
    super()
    if (initial === null || typeof initial !== 'object') throw new TypeError('manager.Namespace(initial): initial must be an object of attributes, like { count: 0 }')
    const entries = Object.entries(initial).map(([name, value]) => [name, encode(value, `manager.Namespace(…).${name}`)])
    this.make('namespace', options.name, entries.length ? { entries } : null)
  }

  /** Rejects with AttributeError when it has no such attribute. */
  async get<T = unknown>(name: string): Promise<T> {
    return decode(await this.call<Uint8Array>('get', { name: checkName(name, 'get') })) as T
  }

  async set(name: string, value: unknown): Promise<void> {
    await this.call('set', { name: checkName(name, 'set'), value: encode(value, `${this.name}.set('${name}', …)`) })
  }

  /** Python's `del ns.x`: AttributeError when it has no such attribute. */
  async delete(name: string): Promise<void> {
    await this.call('delete', { name: checkName(name, 'delete') })
  }

  /** Python's hasattr(ns, 'x'). */
  has(name: string): Promise<boolean> {
    return this.call<boolean>('has', { name: checkName(name, 'has') })
  }

  /** Python's vars(ns): every attribute, as a plain object. */
  async copy(): Promise<Record<string, unknown>> {
    const pairs = await this.call<Array<[string, Uint8Array]>>('copy')
    return Object.fromEntries(pairs.map(([name, bytes]) => [name, decode(bytes)]))
  }
}

export interface ManagerOptions {
  /** Used in the default names of what it makes: `results` gives results.dict-1, results.list-2. */
  name?: string
}

/**
 * What Manager() returns (Python's SyncManager). It makes dict, list and Namespace proxies;
 * `shutdown()` (or the end of an `await using` block) drops their data, and later calls on them,
 * from any process, reject. Its Queue, Lock, ... are proclab's own: the broker holds those already.
 */
export class SyncManager {
  private readonly made: ManagedProxy[] = []
  private shut = false
  private count = 0

  constructor(private readonly options: ManagerOptions = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError('Manager(options): options must be an object like { name }')
    labContext() // outside a lab process, say so now rather than at the first proxy
  }

  dict<V = unknown>(initial?: Contents<V>, options: NameOption = {}): DictProxy<V> {
    return this.keep(new DictProxy<V>(initial, this.named(options, 'dict')))
  }

  list<T = unknown>(initial?: Iterable<T>, options: NameOption = {}): ListProxy<T> {
    return this.keep(new ListProxy<T>(initial, this.named(options, 'list')))
  }

  Namespace(initial?: Record<string, unknown>, options: NameOption = {}): NamespaceProxy {
    return this.keep(new NamespaceProxy(initial, this.named(options, 'Namespace')))
  }

  Queue(maxsize?: number, options?: QueueOptions): Queue {
    this.check('Queue')
    return new Queue(maxsize, options)
  }

  JoinableQueue(maxsize?: number, options?: QueueOptions): JoinableQueue {
    this.check('JoinableQueue')
    return new JoinableQueue(maxsize, options)
  }

  Lock(options?: NameOption): Lock {
    this.check('Lock')
    return new Lock(options)
  }

  RLock(options?: NameOption): RLock {
    this.check('RLock')
    return new RLock(options)
  }

  Semaphore(value?: number, options?: NameOption): Semaphore {
    this.check('Semaphore')
    return new Semaphore(value, options)
  }

  BoundedSemaphore(value?: number, options?: NameOption): BoundedSemaphore {
    this.check('BoundedSemaphore')
    return new BoundedSemaphore(value, options)
  }

  Event(options?: NameOption): Event {
    this.check('Event')
    return new Event(options)
  }

  Condition(lock?: Lock | RLock, options?: NameOption): Condition {
    this.check('Condition')
    return new Condition(lock, options)
  }

  Barrier(parties: number, options?: BarrierOptions): Barrier {
    this.check('Barrier')
    return new Barrier(parties, options)
  }

  /** Python's manager.shutdown(): the data of every dict, list and Namespace it made is gone. Once is enough. */
  async shutdown(): Promise<void> {
    if (this.shut) return
    this.shut = true
    await Promise.all(this.made.map((proxy) => proxy.shutdown()))
  }

  /** `await using manager = Manager()`: shut down at the end of the block, as Python's `with Manager() as manager:`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown()
  }

  toString(): string {
    return `<SyncManager${this.options.name ? ` ${this.options.name}` : ''} ${this.shut ? 'shut down' : `${this.made.length} object(s)`}>`
  }

  private keep<P extends ManagedProxy>(proxy: P): P {
    this.made.push(proxy)
    return proxy
  }

  private named(options: NameOption, label: string): NameOption {
    this.check(label)
    if (options === null || typeof options !== 'object') throw new TypeError(`manager.${label}(initial, options): options must be an object like { name }`)
    if (options.name !== undefined || !this.options.name) return options
    return { ...options, name: `${this.options.name}.${label}-${++this.count}` }
  }

  private check(what: string): void {
    if (this.shut) throw new ProcessError(`manager.${what}(): this Manager was shut down`)
  }
}

/** Python's multiprocessing.Manager(): no process to start here, the host's broker holds the data. */
export function Manager(options: ManagerOptions = {}): SyncManager {
  return new SyncManager(options)
}

function encode(value: unknown, where: string): Uint8Array {
  try {
    return encodeItem(toRefs(value))
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new TypeError(
      `${where}: this value cannot be kept by a Manager: ${reason}. Values cross by structured clone, like postMessage: plain data, Map, Set, Date, typed arrays and Buffers do (class instances arrive as plain objects); functions, symbols, sockets and streams do not.`,
    )
  }
}

function encodeAll(values: Iterable<unknown>, where: string): Uint8Array[] {
  if (values === null || typeof (values as Iterable<unknown>)[Symbol.iterator] !== 'function' || typeof values === 'string') {
    throw new TypeError(`${where}: expected an array (or another iterable) of values`)
  }
  return [...values].map((value, i) => encode(value, `${where}[${i}]`))
}

function encodeEntries(contents: Contents<unknown>, where: string): Array<[DictKey, Uint8Array]> {
  if (contents === null || typeof contents !== 'object') throw new TypeError(`${where}: expected a plain object, a Map or [key, value] pairs`)
  const pairs: Iterable<readonly [unknown, unknown]> =
    contents instanceof Map || Symbol.iterator in contents ? (contents as Iterable<readonly [unknown, unknown]>) : Object.entries(contents)
  return [...pairs].map((pair) => {
    if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError(`${where}: each entry must be a [key, value] pair`)
    const key = checkKey(pair[0], where)
    return [key, encode(pair[1], `${where}: the value of ${inspect(key)}`)]
  })
}

function decode(bytes: Uint8Array): unknown {
  return fromRefs(decodeItem(bytes))
}

function checkKey(key: unknown, where: string): DictKey {
  if (typeof key === 'string' || (typeof key === 'number' && Number.isFinite(key))) return key
  throw new TypeError(`${where}: a dict key must be a string or a finite number (got ${key === null ? 'null' : typeof key}); a Manager's dict cannot use objects as keys`)
}

function checkIndex(index: unknown, where: string): number {
  if (Number.isInteger(index)) return index as number
  throw new TypeError(`${where}: a list index must be a whole number (negative counts from the end), got ${typeof index === 'number' ? String(index) : typeof index}`)
}

function checkName(name: unknown, where: string): string {
  if (typeof name === 'string' && name !== '') return name
  throw new TypeError(`${where}: an attribute name must be a non-empty string, got ${typeof name}`)
}

SharedObject.defineRebuild('dict', DictProxy.prototype)
SharedObject.defineRebuild('list', ListProxy.prototype)
SharedObject.defineRebuild('namespace', NamespaceProxy.prototype)
