// How a queue item becomes bytes in shared memory and back. Structured clone (v8.serialize) is the
// rule; plain JSON data (objects, arrays, strings, finite numbers, booleans, null) takes a faster
// road that gives the same value back: v8.serialize builds a serializer object per call, and at
// hundreds of thousands of small items a second that, and its garbage, was most of a put's cost.
// The two never mix up: v8's bytes start with its version tag 0xFF, which no JSON text does.
import { deserialize, serialize } from 'node:v8'

const V8_TAG = 0xff
/** Values bigger than this (nodes or characters) go through v8: the check and the copy stop paying. */
const MOST_NODES = 200
const LONGEST_JSON = 64 * 1024

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export function encodeItem(value: unknown): Uint8Array {
  if (isPlainJson(value, [], 0)) {
    const json = JSON.stringify(value)
    if (json.length <= LONGEST_JSON) return encoder.encode(json)
  }
  return serialize(value)
}

export function decodeItem(bytes: Uint8Array): unknown {
  return bytes[0] === V8_TAG ? deserialize(bytes) : JSON.parse(decoder.decode(bytes))
}

/**
 * Whether JSON gives back exactly what structured clone would: no undefined, -0, NaN or Infinity,
 * no holes, no class instances (Date, Map, Buffer...), and no object reached twice (clone keeps
 * the sharing, JSON would copy it; this also stops at cycles). `seen` counts nodes too.
 */
function isPlainJson(value: unknown, seen: object[], depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0)
    case 'object':
      break
    default:
      return false
  }
  if (value === null) return true
  if (depth > 32 || seen.length >= MOST_NODES || seen.includes(value)) return false
  seen.push(value)
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype || Object.keys(value).length !== value.length) return false
    for (const element of value) if (!isPlainJson(element, seen, depth + 1)) return false
    return true
  }
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return false
  for (const key in value) {
    if (!Object.hasOwn(value, key)) return false
    if (!isPlainJson((value as Record<string, unknown>)[key], seen, depth + 1)) return false
  }
  return true
}
