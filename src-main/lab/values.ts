// Value and Array (Python's multiprocessing.Value and Array): numbers in a shared memory segment
// that every lab process it is passed to maps, read and written in place, synchronously, without a
// message. Each owns its segment (layout in shm/value-layout.ts); the broker opens it too, to read
// the access counters for the UI, free the lock of a holder that died, and unlink it at run end.
import { labContext } from './context'
import { ProcessError } from './errors'
import { SharedObject } from './objects'
import { SharedMemoryError, SharedSegment, type SegmentAddress } from './shm'
import type { SharedMemorySupport } from '../platform/shared-memory'
import { count, counterWords, describe, described, elementAccess, kindOf, KINDS, READS, segmentBytes, WRITES, type ElementAccess, type ValueKind } from './shm/value-layout'
import { ValueLock } from './value-lock'

export type { ValueKind } from './shm/value-layout'

export interface ValueOptions {
  /** Shown in the UI and in events; defaults to e.g. Value-3. */
  name?: string
  /** false: no lock (Python's RawValue / lock=False), and getLock() throws. Default true. */
  lock?: boolean
}

type Element = number | bigint

/** The part Value and Array share: the segment, its counters and its lock. */
abstract class SharedMemoryObject extends SharedObject {
  declare readonly kind: ValueKind
  declare readonly length: number
  declare protected data: ElementAccess
  declare protected counters: Uint32Array
  declare private lock: ValueLock | null
  declare private segment: SharedSegment

  protected setUp(type: 'value' | 'array', kind: ValueKind, length: number, options: ValueOptions): void {
    if (options === null || typeof options !== 'object') throw new TypeError(`${labelOf(type)}: options must be an object like { name, lock }`)
    if (options.lock !== undefined && typeof options.lock !== 'boolean') throw new TypeError(`${labelOf(type)}: lock must be true or false (a Value's lock is its own; pass none to get one)`)
    const lock = options.lock ?? true
    labContext() // outside a lab process, fail before a segment is made that nobody would unlink
    const segment = createSegment(type, kind, length)
    describe(segment, kind, length, lock)
    // Registered first: the handle's name (its default is made there) goes into the lock's messages.
    this.register(type, options.name, { address: segment.address, kind, length, lock })
    this.attach(segment, kind, length, lock)
  }

  /** Python's get_lock(): the lock in the object's segment. */
  getLock(): ValueLock {
    if (!this.lock) throw new ProcessError(`${this.name} was made with { lock: false } (Python's RawValue/RawArray): it has no lock`)
    return this.lock
  }

  protected override refExtra(): Record<string, unknown> {
    return { address: this.segment.address, kind: this.kind, length: this.length }
  }

  protected override adopt(extra: Record<string, unknown>): void {
    const segment = SharedSegment.open(extra.address as SegmentAddress)
    const found = described(segment)
    if (!found || found.kind !== extra.kind || found.length !== extra.length) {
      segment.close()
      throw new ProcessError(`${this.name}: its shared memory does not describe a ${String(extra.kind)} × ${String(extra.length)}`)
    }
    this.attach(segment, found.kind, found.length, found.lock)
  }

  private attach(segment: SharedSegment, kind: ValueKind, length: number, lock: boolean): void {
    const counters = counterWords(segment)
    Object.defineProperties(this, {
      kind: { value: kind, enumerable: false },
      length: { value: length, enumerable: false },
      segment: { value: segment, enumerable: false },
      data: { value: elementAccess(segment, kind, length), enumerable: false },
      counters: { value: counters, enumerable: false },
      lock: { value: lock ? new ValueLock(segment, counters, this.name) : null, enumerable: false },
    })
  }

  /** The value checked for this kind: a TypeError or RangeError that says what was wrong. */
  protected checked(value: unknown, where: string): Element {
    const info = KINDS[this.kind]
    if (info.bigint) {
      if (typeof value !== 'bigint') throw new TypeError(`${where}: a ${this.kind} holds a bigint (e.g. 5n), got ${describeValue(value)}`)
      if ((this.kind === 'biguint64' ? BigInt.asUintN(64, value) : BigInt.asIntN(64, value)) !== value) throw new RangeError(`${where}: ${value}n is out of range for ${this.kind}`)
      return value
    }
    if (typeof value !== 'number') throw new TypeError(`${where}: a ${this.kind} holds a number, got ${describeValue(value)}`)
    const range = info.range
    if (range && (!Number.isInteger(value) || value < range[0] || value > range[1])) {
      throw new RangeError(`${where}: a ${this.kind} holds whole numbers from ${range[0]} to ${range[1]}, got ${value}`)
    }
    return value
  }
}

/**
 * One number in shared memory: `counter.value` reads it and `counter.value = x` writes it, in
 * place. `counter.value += 1` is a read and a write: two processes doing it at once lose updates
 * unless they hold `counter.getLock()` around it, as in Python.
 */
export class Value extends SharedMemoryObject {
  constructor(kind: ValueKind | string, initial: number | bigint = KINDS[kindOf(kind, 'Value')].bigint ? 0n : 0, options: ValueOptions = {}) {
    super()
    const checkedKind = kindOf(kind, 'Value')
    this.setUp('value', checkedKind, 1, options)
    this.data.store(0, this.checked(initial, `new Value('${checkedKind}', …)`))
  }

  get value(): Element {
    count(this.counters, READS, 1)
    return this.data.load(0)
  }

  set value(value: Element) {
    const checked = this.checked(value, `${this.name}.value`)
    count(this.counters, WRITES, 1)
    this.data.store(0, checked)
  }

  override toString(): string {
    return `<Value ${this.name} ${this.kind} ${String(this.data.load(0))}>`
  }
}

/**
 * A fixed-length array of numbers in shared memory: `get(i)`, `set(i, v)`, `length`, iteration and
 * `toArray()`. Exported as `Array` (Python's name) and as `SharedArray`, which does not hide the
 * JavaScript global `Array` in a script that imports it.
 */
export class SharedArray extends SharedMemoryObject {
  constructor(kind: ValueKind | string, sizeOrValues: number | ArrayLike<number | bigint> | Iterable<number | bigint>, options: ValueOptions = {}) {
    super()
    const checkedKind = kindOf(kind, 'Array')
    const initial = typeof sizeOrValues === 'number' ? null : globalThis.Array.from(sizeOrValues as Iterable<number | bigint>)
    if (initial === null && (!Number.isInteger(sizeOrValues) || (sizeOrValues as number) < 0 || (sizeOrValues as number) > 2 ** 28)) {
      throw new TypeError(`Array('${checkedKind}', size): size must be a whole number from 0 to ${2 ** 28}, or the initial values; got ${describeValue(sizeOrValues)}`)
    }
    const length = initial?.length ?? (sizeOrValues as number)
    this.setUp('array', checkedKind, length, options)
    if (initial) initial.forEach((value, i) => this.data.store(i, this.checked(value, `new Array('${checkedKind}', …)[${i}]`)))
  }

  get(index: number): Element {
    this.checkIndex(index)
    count(this.counters, READS, 1)
    return this.data.load(index)
  }

  set(index: number, value: Element): void {
    this.checkIndex(index)
    const checked = this.checked(value, `${this.name}.set(${index}, …)`)
    count(this.counters, WRITES, 1)
    this.data.store(index, checked)
  }

  /** A copy of every element (counted as `length` reads). */
  toArray(): Element[] {
    count(this.counters, READS, this.length)
    return globalThis.Array.from({ length: this.length }, (_, i) => this.data.load(i))
  }

  /** Writes `values` from index `offset` on (counted as one write per element). */
  setAll(values: ArrayLike<Element>, offset = 0): void {
    if (!Number.isInteger(offset) || offset < 0 || offset + values.length > this.length) {
      throw new RangeError(`${this.name}.setAll: ${values.length} values from index ${offset} do not fit in its ${this.length}`)
    }
    const checked = globalThis.Array.from(values, (value, i) => this.checked(value, `${this.name}.setAll(…)[${i}]`))
    count(this.counters, WRITES, checked.length)
    checked.forEach((value, i) => this.data.store(offset + i, value))
  }

  *[Symbol.iterator](): IterableIterator<Element> {
    for (let i = 0; i < this.length; i++) yield this.get(i)
  }

  override toString(): string {
    return `<Array ${this.name} ${this.kind}[${this.length}]>`
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new RangeError(`${this.name}: index ${describeValue(index)} is out of range (it has ${this.length} elements, 0 to ${this.length - 1})`)
    }
  }
}

/** The object's segment, or a ProcessError that says Value/Array need shared memory. `support`: for tests (null: none). */
export function createSegment(type: 'value' | 'array', kind: ValueKind, length: number, support?: SharedMemorySupport | null): SharedSegment {
  try {
    return SharedSegment.create(segmentBytes(kind, length), support)
  } catch (error) {
    if (!(error instanceof SharedMemoryError)) throw error
    throw new ProcessError(`${labelOf(type)} needs shared memory, which ProcLab cannot use on this OS (${error.message}); use a Queue or a Pipe to pass numbers between processes here`)
  }
}

function labelOf(type: string): string {
  return type === 'value' ? 'Value' : 'Array'
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value)}`
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'object') return value === null ? 'null' : (value.constructor?.name ?? 'an object')
  return String(value)
}

SharedObject.defineRebuild('value', Value.prototype)
SharedObject.defineRebuild('array', SharedArray.prototype)
