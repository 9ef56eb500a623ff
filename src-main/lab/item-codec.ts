// How a queue item (and the plain-data test of a pipe message) becomes bytes in shared memory and back. Structured clone (v8.serialize) is the
// rule; plain JSON data (objects, arrays, strings, finite numbers, booleans, null) takes a faster
// road that gives the same value back: v8.serialize builds a serializer object per call, and at
// hundreds of thousands of small items a second that, and its garbage, was most of a put's cost.
// A Buffer or Uint8Array item is its bytes behind a two-byte tag. The three never mix up: v8's
// bytes start with its version tag 0xFF, raw bytes with 0xFE, and no JSON text with either.
import { deserialize, serialize } from 'node:v8'

const V8_TAG = 0xff
const BYTES_TAG = 0xfe
const AS_BUFFER = 0
const AS_UINT8ARRAY = 1
/** Values bigger than this (nodes or characters) go through v8: the check and the copy stop paying. */
const MOST_NODES = 200
const LONGEST_JSON = 64 * 1024

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export function encodeItem(value: unknown): Uint8Array {
  const bytesKind = Buffer.isBuffer(value) ? AS_BUFFER : value instanceof Uint8Array && Object.getPrototypeOf(value) === Uint8Array.prototype ? AS_UINT8ARRAY : -1
  if (bytesKind >= 0) {
    const bytes = value as Uint8Array
    const out = new Uint8Array(bytes.length + 2)
    out[0] = BYTES_TAG
    out[1] = bytesKind
    out.set(bytes, 2)
    return out
  }
  if (jsonCarriesExactly(value)) {
    const json = JSON.stringify(value)
    if (json.length <= LONGEST_JSON) return encoder.encode(json)
  }
  return serialize(value)
}

/** `bytes` is the item's own copy: a Buffer or Uint8Array item is a view of it. */
export function decodeItem(bytes: Uint8Array): unknown {
  if (bytes[0] === V8_TAG) return deserialize(bytes)
  if (bytes[0] === BYTES_TAG) {
    const { buffer, byteOffset, length } = bytes
    return bytes[1] === AS_BUFFER ? Buffer.from(buffer, byteOffset + 2, length - 2) : new Uint8Array(buffer, byteOffset + 2, length - 2)
  }
  return JSON.parse(decoder.decode(bytes))
}

/** Whether JSON.stringify + JSON.parse give back what structured clone would (the Pipe's frames use it too). */
export function jsonCarriesExactly(value: unknown): boolean {
  return isPlainJson(value, [], 0)
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
