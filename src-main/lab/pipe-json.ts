// Whether JSON carries a value exactly as structured clone would: only plain data (null, booleans,
// finite numbers other than -0, strings, arrays without holes or undefined, objects whose
// prototype is Object.prototype or null) nested a few levels deep, so a cycle or a deep tree goes
// to v8.serialize. Everything else (undefined, NaN, Infinity, -0, bigint, Date, Map, typed arrays,
// class instances, sparse arrays) takes structured clone, which keeps it.

/** Deeper values are left to structured clone (which also catches cycles). */
const MAX_DEPTH = 16

export function jsonExact(value: unknown, depth = 0): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0)
    case 'object':
      return value === null || (depth < MAX_DEPTH && plainContainer(value, depth))
    default:
      return false
  }
}

function plainContainer(value: object, depth: number): boolean {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      // A hole reads undefined too: both go to structured clone.
      const item: unknown = value[i]
      if (item === undefined || !jsonExact(item, depth + 1)) return false
    }
    return true
  }
  const prototype = Object.getPrototypeOf(value) as unknown
  if (prototype !== Object.prototype && prototype !== null) return false
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key]
    if (item === undefined || !jsonExact(item, depth + 1)) return false
  }
  return true
}
