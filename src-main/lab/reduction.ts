// How things cross from one lab process to another. Functions and classes cross by reference
// (an export name, as Python pickles functions by qualified name); data is structured-cloned.
import { deserialize, serialize } from 'node:v8'
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

export function notExportedMessage(what: 'target' | 'class', name: string, script: string): string {
  const label = name || 'anonymous'
  return what === 'target'
    ? `Process target '${label}' is not exported from ${script}. A lab process starts fresh and imports your script, so it finds the target by its export name: write 'export function ${label}(...)' (or export an existing function).`
    : `Process subclass '${label}' is not exported from ${script}. A lab process starts fresh and imports your script, so it finds the class by its export name: write 'export class ${label} extends Process { ... }'.`
}

export interface Payload {
  args: unknown[]
  /** For the subclass form: the instance's own fields, as Python pickles the object's __dict__. */
  fields: Record<string, unknown> | null
}

/** Encodes what a child needs; throws a TypeError naming the argument that cannot cross. */
export function encodePayload(payload: Payload, processName: string): Uint8Array {
  try {
    return serialize(payload)
  } catch (error) {
    throw new TypeError(`${describeUncloneable(payload, processName)} cannot be sent to another process: ${messageOf(error)}. Values cross by structured clone, like postMessage: plain data, Map, Set, Date, typed arrays and Buffers do; functions, sockets and streams do not.`)
  }
}

export function decodePayload(bytes: Uint8Array): Payload {
  return deserialize(bytes) as Payload
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
