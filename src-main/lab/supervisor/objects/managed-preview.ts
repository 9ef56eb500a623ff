// How the values of a Manager's dict, list and Namespace are shown in events: short text, as
// Python's repr would print them ('text', 42, [1, 2], { a: 1 }), never the data itself. A shared
// object inside a value shows as <Lock printer>.
import { inspect } from 'node:util'
import { decodeItem } from '../../item-codec'
import { REF_KEY } from '../../objects'

/** Characters of one preview; longer ones end in "…". */
const LONGEST = 60

/** A shared object's ref, printed by inspect as its type and name. */
class RefShown {
  constructor(private readonly text: string) {}
  [inspect.custom](): string {
    return this.text
  }
}

export function previewOf(bytes: Uint8Array): string {
  let value: unknown
  try {
    value = decodeItem(bytes)
  } catch {
    return '(unreadable)'
  }
  return previewValue(value)
}

export function previewValue(value: unknown): string {
  const text = inspect(withRefsShown(value, 0), { depth: 2, breakLength: Infinity, maxArrayLength: 8, maxStringLength: LONGEST, compact: true })
  return cut(text)
}

/** A dict key as Python would print it: 'text' or 42, so that 1 and '1' stay apart. */
export function keyText(key: string | number): string {
  return cut(inspect(key))
}

function cut(text: string): string {
  return text.length > LONGEST ? `${text.slice(0, LONGEST - 1)}…` : text
}

/** Replaces refs by RefShown, down to the depth inspect shows (no copy when there is none). */
function withRefsShown(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null || depth > 3) return value
  const ref = value as Record<string, unknown>
  if (ref[REF_KEY] === true) return new RefShown(`<${labelOf(ref.type)} ${String(ref.name)}>`)
  if (Array.isArray(value)) return value.some(isObject) ? value.map((v) => withRefsShown(v, depth + 1)) : value
  if (Object.getPrototypeOf(value) === Object.prototype && Object.values(value).some(isObject)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withRefsShown(v, depth + 1)]))
  }
  return value
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null
}

function labelOf(type: unknown): string {
  const text = String(type)
  return text.split('-').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('')
}
