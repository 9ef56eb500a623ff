// How deep a value from outside nests, measured without recursion. JSON.parse builds a value of any
// depth without recursing, and V8's structured clone carries one thousands of levels deep; whatever
// then walks it recursively (a schema check, JSON.stringify, a log line) throws RangeError at a depth
// that depends on the thread's stack: about 1 MiB on Windows' main thread. A command needs three
// levels, so the host refuses anything past MAX_NESTING before it looks further.

/** Levels of arrays and objects a command may have: `{ args: { kinds: [...] } }` has three. */
export const MAX_NESTING = 16

/**
 * True when `value` has arrays or objects nested more than `limit` levels deep. Each array and
 * object is looked into once (a value that contains itself, which structured clone allows, ends);
 * Maps, Sets, typed arrays and other objects with their own kind are counted as one level and not
 * entered: no schema of the contract looks into them either.
 */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const seen = new Set<object>()
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }]
  while (pending.length > 0) {
    const { value: next, depth } = pending.pop()!
    if (typeof next !== 'object' || next === null || seen.has(next)) continue
    if (depth > limit) return true
    seen.add(next)
    for (const item of childrenOf(next)) {
      if (typeof item === 'object' && item !== null) pending.push({ value: item, depth: depth + 1 })
    }
  }
  return false
}

/**
 * Arrays are read by index, except a long one, which may be sparse (`a[2 ** 32 - 2] = 1` clones as an
 * array of that length): its own keys are only the elements it has.
 */
const LONGEST_READ_BY_INDEX = 2 ** 24

function childrenOf(value: object): readonly unknown[] {
  if (Array.isArray(value)) {
    if (value.length <= LONGEST_READ_BY_INDEX) return value as unknown[]
    return Object.keys(value).map((key) => (value as unknown as Record<string, unknown>)[key])
  }
  if (!isPlainRecord(value)) return []
  return Object.values(value)
}

function isPlainRecord(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as unknown
  return prototype === Object.prototype || prototype === null
}
