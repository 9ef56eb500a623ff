// A Manager's dict, list and Namespace in the broker (Python's manager process holds them the same
// way): the broker keeps the data, each value as the bytes its writer encoded (so every reader
// gets its own copy, as a Python proxy's caller gets an unpickled one) with a preview for the UI.
// Every call is answered in arrival order, one at a time, so concurrent writers never lose an
// update; each is reported as a manager.read, manager.write or manager.refused event.
import { isDeepStrictEqual } from 'node:util'
import { MANAGER_SHOWN, type ManagedType, type ManagerEntry } from '../../../../src-shared/events'
import { decodeItem } from '../../item-codec'
import type { BrokerObject, Call, Caller, ObjectEnv } from './base'
import { keyText, previewOf } from './managed-preview'

/** A value as stored: its bytes, their preview, and (once compared or sorted) the decoded value. */
interface Stored {
  bytes: Uint8Array
  preview: string
  decoded?: { value: unknown }
}

type Key = string | number

/** What an operation did: the answer, what it touched (as text), and whether it wrote. */
interface Done {
  reply?: unknown
  key?: string | null
}

/** A call refused with Python's error: the caller's promise rejects with that class. */
class Refusal extends Error {
  constructor(
    readonly errorName: string,
    message: string,
    readonly key: string | null = null,
  ) {
    super(message)
  }
}

type Operation = (args: Record<string, unknown>) => Done

abstract class ManagedObject implements BrokerObject {
  abstract readonly type: ManagedType
  private shut = false
  /** The entries the previous write event carried: a write that shows the same ones leaves them out. */
  private shown: ManagerEntry[] | null = null
  /** Operations that change the contents: reported with them (manager.write). */
  protected abstract readonly writes: Readonly<Record<string, Operation>>
  protected abstract readonly reads: Readonly<Record<string, Operation>>

  constructor(
    readonly oid: string,
    readonly name: string,
    private readonly env: ObjectEnv,
  ) {}

  protected abstract size(): number
  protected abstract entries(): ManagerEntry[]
  protected abstract clearAll(): void

  call(method: string, args: Record<string, unknown>, call: Call): void {
    const who = { lid: call.caller.lid, pid: call.caller.pid }
    try {
      const reply = this.run(method, args, who)
      call.reply(reply)
    } catch (error) {
      // Anything else is a message no proclab process sends: refused, never a broker that throws.
      const refusal = error instanceof Refusal ? error : new Refusal('ProcessError', `${this.name}: ${method} failed: ${error instanceof Error ? error.message : String(error)}`)
      this.env.emit(who, { kind: 'manager.refused', op: method, key: refusal.key, error: refusal.message })
      call.fail(refusal.errorName, refusal.message)
    }
  }

  /** The creator's initial contents (sent right after the object was made): a write with no answer. */
  tell(method: string, args: Record<string, unknown>, caller: Caller): void {
    if (method !== 'init') return this.env.warn(`${this.type} ${this.name} has no one-way operation '${method}'`)
    try {
      this.run('init', args, caller)
    } catch (error) {
      this.env.warn(`${this.name}: its initial contents were refused: ${error instanceof Error ? error.message : String(error)}`)
    }
  }

  processGone(): void {
    // Nobody waits on a managed object, and what a process wrote before it died stays written.
  }

  private run(method: string, args: Record<string, unknown>, who: { lid: string; pid: number }): unknown {
    if (method === 'shutdown') return this.shutDown(who)
    if (this.shut) throw new Refusal('ProcessError', `${this.name}: its Manager was shut down, and its data with it`)
    const write = Object.hasOwn(this.writes, method) ? this.writes[method] : undefined
    const read = Object.hasOwn(this.reads, method) ? this.reads[method] : undefined
    if (!write && !read) throw new Refusal('ProcessError', `${this.type} ${this.name} has no operation '${method}'`)
    const done = (write ?? read)!(args)
    const key = done.key ?? null
    if (write) this.emitWrite(who, method, key)
    else this.env.emit(who, { kind: 'manager.read', op: method, key, size: this.size() })
    return done.reply
  }

  /** Python's manager.shutdown(): the data is gone; later calls from any process are refused. */
  private shutDown(who: { lid: string; pid: number }): void {
    if (this.shut) return
    this.shut = true
    this.clearAll()
    this.emitWrite(who, 'shutdown', null)
  }

  private emitWrite(who: { lid: string; pid: number }, op: string, key: string | null): void {
    const size = this.size()
    const entries = this.entries()
    const more = size - entries.length
    if (this.shown && sameEntries(this.shown, entries)) return this.env.emit(who, { kind: 'manager.write', op, key, size, more })
    this.shown = entries
    this.env.emit(who, { kind: 'manager.write', op, key, size, entries, more })
  }
}

/** Python's manager.dict(): keys are strings or numbers (1 and '1' are two keys, as in Python). */
export class DictObject extends ManagedObject {
  readonly type = 'dict'
  private readonly map = new Map<Key, Stored>()

  protected readonly writes: Readonly<Record<string, Operation>> = {
    init: (args) => this.update(args),
    set: (args) => {
      const key = keyArg(args)
      this.map.set(key, stored(args.value))
      return { key: keyText(key) }
    },
    delete: (args) => {
      const key = keyArg(args)
      if (!this.map.delete(key)) throw missingKey(key)
      return { key: keyText(key) }
    },
    pop: (args) => {
      const key = keyArg(args)
      const found = this.map.get(key)
      if (!found && args.hasDefault !== true) throw missingKey(key)
      this.map.delete(key)
      return { key: keyText(key), reply: found?.bytes ?? null }
    },
    popItem: () => {
      const last = [...this.map.keys()].at(-1)
      if (last === undefined) throw new Refusal('KeyError', 'popItem(): the dict is empty')
      const found = this.map.get(last)!
      this.map.delete(last)
      return { key: keyText(last), reply: [last, found.bytes] }
    },
    setDefault: (args) => {
      const key = keyArg(args)
      let found = this.map.get(key)
      if (!found) this.map.set(key, (found = stored(args.value)))
      return { key: keyText(key), reply: found.bytes }
    },
    update: (args) => this.update(args),
    clear: () => {
      this.map.clear()
      return {}
    },
  }

  protected readonly reads: Readonly<Record<string, Operation>> = {
    get: (args) => {
      const key = keyArg(args)
      return { key: keyText(key), reply: this.map.get(key)?.bytes ?? null }
    },
    getItem: (args) => {
      const key = keyArg(args)
      const found = this.map.get(key)
      if (!found) throw missingKey(key)
      return { key: keyText(key), reply: found.bytes }
    },
    has: (args) => {
      const key = keyArg(args)
      return { key: keyText(key), reply: this.map.has(key) }
    },
    length: () => ({ reply: this.map.size }),
    keys: () => ({ reply: [...this.map.keys()] }),
    values: () => ({ reply: [...this.map.values()].map((s) => s.bytes) }),
    items: () => ({ reply: [...this.map].map(([k, s]) => [k, s.bytes]) }),
  }

  protected size(): number {
    return this.map.size
  }

  protected entries(): ManagerEntry[] {
    const shown: ManagerEntry[] = []
    for (const [key, value] of this.map) {
      if (shown.length === MANAGER_SHOWN) break
      shown.push({ key: keyText(key), value: value.preview })
    }
    return shown
  }

  protected clearAll(): void {
    this.map.clear()
  }

  private update(args: Record<string, unknown>): Done {
    const pairs = args.entries
    if (!Array.isArray(pairs)) throw new Refusal('TypeError', 'update(): entries must be a list of [key, value] pairs')
    // Checked whole before any is written: a refused update changes nothing.
    const checked = pairs.map((pair) => {
      if (!Array.isArray(pair) || pair.length !== 2) throw new Refusal('TypeError', 'update(): each entry must be a [key, value] pair')
      return [keyArg({ key: pair[0] }), stored(pair[1])] as const
    })
    for (const [key, value] of checked) this.map.set(key, value)
    return {}
  }
}

/** Python's manager.list(). Indexes may be negative (from the end), as in Python. */
export class ListObject extends ManagedObject {
  readonly type = 'list'
  private items: Stored[] = []

  protected readonly writes: Readonly<Record<string, Operation>> = {
    init: (args) => this.extend(args),
    append: (args) => {
      this.items.push(stored(args.value))
      return { key: String(this.items.length - 1) }
    },
    extend: (args) => this.extend(args),
    insert: (args) => {
      const index = Math.max(0, Math.min(this.items.length, relative(intArg(args.index, 'insert'), this.items.length)))
      this.items.splice(index, 0, stored(args.value))
      return { key: String(index) }
    },
    set: (args) => {
      const index = this.indexOf(args.index, 'set')
      this.items[index] = stored(args.value)
      return { key: String(index) }
    },
    delete: (args) => {
      const index = this.indexOf(args.index, 'delete')
      this.items.splice(index, 1)
      return { key: String(index) }
    },
    pop: (args) => {
      if (this.items.length === 0) throw new Refusal('IndexError', 'pop(): the list is empty')
      const index = args.index === undefined || args.index === null ? this.items.length - 1 : this.indexOf(args.index, 'pop')
      const [taken] = this.items.splice(index, 1)
      return { key: String(index), reply: taken!.bytes }
    },
    remove: (args) => {
      const index = this.find(args.value)
      if (index === -1) throw new Refusal('ValueError', 'remove(x): x is not in the list')
      this.items.splice(index, 1)
      return { key: String(index) }
    },
    reverse: () => {
      this.items.reverse()
      return {}
    },
    sort: (args) => {
      this.sort(args.reverse === true)
      return {}
    },
    clear: () => {
      this.items = []
      return {}
    },
  }

  protected readonly reads: Readonly<Record<string, Operation>> = {
    get: (args) => {
      const index = this.indexOf(args.index, 'get')
      return { key: String(index), reply: this.items[index]!.bytes }
    },
    length: () => ({ reply: this.items.length }),
    index: (args) => {
      const index = this.find(args.value)
      if (index === -1) throw new Refusal('ValueError', 'index(x): x is not in the list')
      return { key: String(index), reply: index }
    },
    count: (args) => {
      const wanted = decodedArg(args.value)
      return { reply: this.items.filter((s) => isDeepStrictEqual(decoded(s), wanted)).length }
    },
    copy: () => ({ reply: this.items.map((s) => s.bytes) }),
  }

  protected size(): number {
    return this.items.length
  }

  protected entries(): ManagerEntry[] {
    return this.items.slice(0, MANAGER_SHOWN).map((s, i) => ({ key: String(i), value: s.preview }))
  }

  protected clearAll(): void {
    this.items = []
  }

  private extend(args: Record<string, unknown>): Done {
    if (!Array.isArray(args.values)) throw new Refusal('TypeError', 'extend(): values must be a list')
    this.items.push(...args.values.map(stored))
    return {}
  }

  /** A Python index (negative counts from the end) checked against the length. */
  private indexOf(value: unknown, op: string): number {
    const index = relative(intArg(value, op), this.items.length)
    if (index < 0 || index >= this.items.length) {
      throw new Refusal('IndexError', `${op}(${String(value)}): list index out of range (it has ${this.items.length} element${this.items.length === 1 ? '' : 's'})`, String(value))
    }
    return index
  }

  private find(value: unknown): number {
    const wanted = decodedArg(value)
    return this.items.findIndex((s) => isDeepStrictEqual(decoded(s), wanted))
  }

  /** Numbers, bigints or strings, in their natural order; anything else is refused, as Python's `<` would be. */
  private sort(reverse: boolean): void {
    const values = this.items.map((s) => ({ s, v: decoded(s) }))
    const kinds = new Set(values.map(({ v }) => (typeof v === 'bigint' ? 'number' : typeof v)))
    if (kinds.size > 1 || (kinds.size === 1 && !kinds.has('number') && !kinds.has('string'))) {
      throw new Refusal('TypeError', `sort(): it sorts a list of numbers or of strings only (this one holds ${[...kinds].join(' and ')}); sort a copy() with your own compare function instead`)
    }
    values.sort((a, b) => {
      const order = (a.v as number) < (b.v as number) ? -1 : (a.v as number) > (b.v as number) ? 1 : 0
      return reverse ? -order : order
    })
    this.items = values.map(({ s }) => s)
  }
}

/** Python's manager.Namespace(): named attributes, read and written one by one. */
export class NamespaceObject extends ManagedObject {
  readonly type = 'namespace'
  private readonly attributes = new Map<string, Stored>()

  protected readonly writes: Readonly<Record<string, Operation>> = {
    init: (args) => {
      if (!Array.isArray(args.entries)) throw new Refusal('TypeError', 'Namespace(): attributes must be [name, value] pairs')
      for (const pair of args.entries as unknown[]) {
        if (!Array.isArray(pair)) throw new Refusal('TypeError', 'Namespace(): attributes must be [name, value] pairs')
        this.attributes.set(nameArg({ name: pair[0] }), stored(pair[1]))
      }
      return {}
    },
    set: (args) => {
      const name = nameArg(args)
      this.attributes.set(name, stored(args.value))
      return { key: name }
    },
    delete: (args) => {
      const name = nameArg(args)
      if (!this.attributes.delete(name)) throw missingAttribute(name)
      return { key: name }
    },
  }

  protected readonly reads: Readonly<Record<string, Operation>> = {
    get: (args) => {
      const name = nameArg(args)
      const found = this.attributes.get(name)
      if (!found) throw missingAttribute(name)
      return { key: name, reply: found.bytes }
    },
    has: (args) => {
      const name = nameArg(args)
      return { key: name, reply: this.attributes.has(name) }
    },
    copy: () => ({ reply: [...this.attributes].map(([name, s]) => [name, s.bytes]) }),
  }

  protected size(): number {
    return this.attributes.size
  }

  protected entries(): ManagerEntry[] {
    return [...this.attributes].slice(0, MANAGER_SHOWN).map(([name, s]) => ({ key: name, value: s.preview }))
  }

  protected clearAll(): void {
    this.attributes.clear()
  }
}

function sameEntries(a: readonly ManagerEntry[], b: readonly ManagerEntry[]): boolean {
  return a.length === b.length && a.every((entry, i) => entry.key === b[i]!.key && entry.value === b[i]!.value)
}

function stored(value: unknown): Stored {
  if (!(value instanceof Uint8Array)) throw new Refusal('TypeError', 'a value must arrive encoded (use the proclab API)')
  return { bytes: value, preview: previewOf(value) }
}

function decoded(s: Stored): unknown {
  s.decoded ??= { value: decodeArg(s.bytes) }
  return s.decoded.value
}

function decodedArg(value: unknown): unknown {
  if (!(value instanceof Uint8Array)) throw new Refusal('TypeError', 'a value must arrive encoded (use the proclab API)')
  return decodeArg(value)
}

function decodeArg(bytes: Uint8Array): unknown {
  try {
    return decodeItem(bytes)
  } catch {
    throw new Refusal('TypeError', 'a value arrived that cannot be decoded (use the proclab API)')
  }
}

function keyArg(args: Record<string, unknown>): Key {
  const key = args.key
  if (typeof key === 'string' || (typeof key === 'number' && Number.isFinite(key))) return key
  throw new Refusal('TypeError', `a dict key must be a string or a finite number, got ${typeof key}`)
}

function nameArg(args: Record<string, unknown>): string {
  if (typeof args.name === 'string' && args.name !== '') return args.name
  throw new Refusal('TypeError', `an attribute name must be a non-empty string, got ${typeof args.name}`)
}

function intArg(value: unknown, op: string): number {
  if (Number.isInteger(value)) return value as number
  throw new Refusal('TypeError', `${op}(): a list index must be a whole number, got ${typeof value === 'number' ? String(value) : typeof value}`)
}

function relative(index: number, length: number): number {
  return index < 0 ? index + length : index
}

function missingKey(key: Key): Refusal {
  return new Refusal('KeyError', `no key ${keyText(key)} in the dict`, keyText(key))
}

function missingAttribute(name: string): Refusal {
  return new Refusal('AttributeError', `the Namespace has no attribute '${name}'`, name)
}
