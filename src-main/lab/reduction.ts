// How things cross from one lab process to another. Functions and classes cross by reference
// (an export name, as Python pickles functions by qualified name); data is structured-cloned.
import { deserialize, serialize } from 'node:v8'
import { handleFor, isObjectRef, SharedObject, type ObjectRef } from './objects'
import type { TargetRef } from './protocol'

export interface ModuleTarget {
  module: string
  export: string
}

/** Finds the export of `namespace` whose value is `value`; null when it is not exported. */
export function findExportName(namespace: Readonly<Record<string, unknown>>, value: unknown): string | null {
  for (const [name, exported] of Object.entries(namespace)) {
    if (exported === value && name !== 'default') return name
  }
  // `export default` of a class or function is fine too; prefer a named export when both exist.
  return namespace.default === value ? 'default' : null
}

export function targetRefFor(namespace: Readonly<Record<string, unknown>>, scriptUrl: string, value: unknown, kind: TargetRef['kind']): TargetRef | null {
  const name = findExportName(namespace, value)
  return name === null ? null : { module: scriptUrl, export: name, kind }
}

/** What a lab script passed where an exported function or class must go, for the error that refuses it. */
export interface UnexportedValue {
  /** How the message names the option: "Process target", "Barrier action", "Process subclass". */
  what: string
  /** The option's key: a function written inline there takes it as its name, which says nothing. */
  optionKey: string
  value: (...args: never[]) => unknown
  script: string
}

/**
 * Says what the user passed (a function's own name, or that it is an arrow or anonymous function,
 * with its first line) and how to fix it: export a named function from the script.
 */
export function notExportedMessage({ what, optionKey, value, script }: UnexportedValue): string {
  const written = describeFunction(value, optionKey)
  const why = `A lab process starts fresh and imports your script, so it finds the ${what.split(' ')[1]} by its export name`
  if (written.kind === 'class') {
    const name = written.name ?? 'MyProcess'
    return written.name
      ? `${what} '${name}' is not exported from ${script}. ${why}: write 'export class ${name} extends Process { ... }'.`
      : `${what} is a class with no name (${written.firstLine}). ${why}: write 'export class ${name} extends Process { ... }' in ${script} and use it.`
  }
  if (written.name) {
    const fix = written.kind === 'function' ? `write 'export function ${written.name}(...)'` : `write 'export const ${written.name} = ...'`
    return `${what} '${written.name}' is not exported from ${script}. ${why}: ${fix} (or export an existing function).`
  }
  return `${what} is an ${written.kind} with no name of its own (${written.firstLine}), so another process cannot find it. ${why}: move its code into a named function, export it from ${script} ('export function work(...) { ... }') and pass { ${optionKey}: work }.`
}

/**
 * A process started by the script's top-level code, while the script was still being imported
 * (a Python program ported without its `if __name__ == '__main__':` guard). Its exports cannot
 * be looked up yet, and every child would run that code again when it imports the script.
 */
export function startedWhileImportingMessage(what: string, script: string): string {
  return (
    `${what} was started while ${script} was still being imported (by code at its top level), so its target cannot be found yet. ` +
    "Start processes in the script's main, `export default async function main() { ... }`: ProcLab runs it in the lab main process only, " +
    "as Python runs an `if __name__ == '__main__':` block, and each child imports the script again to find its target."
  )
}

interface WrittenFunction {
  kind: 'function' | 'class' | 'arrow function' | 'anonymous function'
  /** The name the user gave it, if any (not the option key it inherited by being written inline). */
  name: string | null
  /** The first line of its source, trimmed and cut short. */
  firstLine: string
}

function describeFunction(value: (...args: never[]) => unknown, optionKey: string): WrittenFunction {
  const source = Function.prototype.toString.call(value)
  const firstLine = cut(source.split('\n')[0]!.trim(), 60)
  if (/^class\b/.test(source)) return { kind: 'class', name: value.name || null, firstLine }
  const anonymous = /^(async\s+)?function\s*\*?\s*\(/.test(source)
  const arrow = !anonymous && !/^(async\s+)?function\b/.test(source) && /^(async\s*)?(\([^)]*\)|[\w$]+)\s*=>/.test(source)
  const kind = arrow ? 'arrow function' : anonymous ? 'anonymous function' : 'function'
  // `{ target: () => ... }` names the arrow 'target'; `const work = () => ...` names it 'work'.
  const inferred = arrow || anonymous
  const name = value.name && !(inferred && value.name === optionKey) ? value.name : null
  return { kind, name, firstLine: `\`${firstLine}\`` }
}

function cut(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text
}

export interface Payload {
  args: unknown[]
  /** For the subclass form: the instance's own fields, as Python pickles the object's __dict__. */
  fields: Record<string, unknown> | null
}

/**
 * Encodes what a child needs; throws a TypeError naming the argument that cannot cross. Shared
 * objects inside become refs; `refs` lists them, so the broker can count the child as a holder
 * from the moment it is spawned.
 */
export function encodePayload(payload: Payload, processName: string): { bytes: Uint8Array; refs: ObjectRef[] } {
  const refs: ObjectRef[] = []
  const reduced = { args: toRefs(payload.args, refs), fields: payload.fields && toRefs(payload.fields, refs) }
  try {
    return { bytes: serialize(reduced), refs }
  } catch (error) {
    throw new TypeError(`${describeUncloneable(payload, processName)} cannot be sent to another process: ${messageOf(error)}. Values cross by structured clone, like postMessage: plain data, Map, Set, Date, typed arrays and Buffers do; functions, sockets and streams do not.`)
  }
}

export function decodePayload(bytes: Uint8Array): Payload {
  const payload = deserialize(bytes) as Payload
  return { args: fromRefs(payload.args), fields: payload.fields && fromRefs(payload.fields) }
}

/**
 * Replaces shared objects in a value by refs (collected into `refs`). Returns the value itself
 * when it holds none, so plain data costs one walk and no copy.
 */
export function toRefs<T>(value: T, refs: ObjectRef[] = []): T {
  return (holdsObject(value, new Set()) ? mapObjects(value, (object) => {
    const ref = (object as SharedObject).toRef()
    refs.push(ref)
    return ref
  }, (v) => v instanceof SharedObject) : value) as T
}

/** Turns refs back into live handles. */
export function fromRefs<T>(value: T): T {
  return (holdsRef(value, new Set()) ? mapObjects(value, (ref) => handleFor(ref as ObjectRef), isObjectRef) : value) as T
}

function holdsObject(value: unknown, seen: Set<object>): boolean {
  if (typeof value !== 'object' || value === null) return false
  if (value instanceof SharedObject) return true
  return someChild(value, seen, (child) => holdsObject(child, seen))
}

function holdsRef(value: unknown, seen: Set<object>): boolean {
  if (typeof value !== 'object' || value === null) return false
  if (isObjectRef(value)) return true
  return someChild(value, seen, (child) => holdsRef(child, seen))
}

function someChild(value: object, seen: Set<object>, test: (child: unknown) => boolean): boolean {
  if (seen.has(value) || ArrayBuffer.isView(value)) return false
  seen.add(value)
  if (Array.isArray(value)) return value.some(test)
  if (value instanceof Map) return [...value].some(([k, v]) => test(k) || test(v))
  if (value instanceof Set) return [...value].some(test)
  if (isPlain(value)) return Object.values(value).some(test)
  return false
}

/** Copies the containers on the way to matching values and replaces those (cycles kept). */
function mapObjects(value: unknown, replace: (match: unknown) => unknown, matches: (v: unknown) => boolean, copies = new Map<object, unknown>()): unknown {
  if (typeof value !== 'object' || value === null) return value
  if (matches(value)) return replace(value)
  if (copies.has(value)) return copies.get(value)
  const recurse = (child: unknown) => mapObjects(child, replace, matches, copies)
  if (Array.isArray(value)) {
    const copy: unknown[] = []
    copies.set(value, copy)
    for (const item of value) copy.push(recurse(item))
    return copy
  }
  if (value instanceof Map) {
    const copy = new Map()
    copies.set(value, copy)
    for (const [k, v] of value) copy.set(recurse(k), recurse(v))
    return copy
  }
  if (value instanceof Set) {
    const copy = new Set()
    copies.set(value, copy)
    for (const item of value) copy.add(recurse(item))
    return copy
  }
  if (isPlain(value)) {
    const copy: Record<string, unknown> = {}
    copies.set(value, copy)
    for (const [key, item] of Object.entries(value)) copy[key] = recurse(item)
    return copy
  }
  return value
}

function isPlain(value: object): value is Record<string, unknown> {
  const prototype = Object.getPrototypeOf(value) as unknown
  return prototype === Object.prototype || prototype === null
}

function describeUncloneable(payload: Payload, processName: string): string {
  const index = payload.args.findIndex((arg) => !isCloneable(arg))
  if (index >= 0) return `Argument ${index} of process '${processName}' (${typeLabel(payload.args[index])})`
  const field = Object.entries(payload.fields ?? {}).find(([, value]) => !isCloneable(value))
  if (field) return `Field '${field[0]}' of process '${processName}' (${typeLabel(field[1])})`
  return `An argument of process '${processName}'`
}

function isCloneable(value: unknown): boolean {
  try {
    serialize(value)
    return true
  } catch {
    return false
  }
}

function typeLabel(value: unknown): string {
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`
  if (typeof value === 'object' && value !== null) return value.constructor?.name ?? 'object'
  return typeof value
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
