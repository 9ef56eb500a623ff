// The layout of a Value's or an Array's segment, shared by the lab side (src-main/lab/values.ts)
// and the broker (supervisor/objects/value.ts). Byte offsets from the start of the segment:
//
//   0   header (4 words, segment.ts)
//   16  lock word (SharedLock; 0 = free)      20  kind code      24  length      28  flags
//   32  reads   (lo, hi 32-bit words)         40  writes (lo, hi)
//   48  lock acquires (lo, hi)                56  acquires that found it taken (lo, hi)
//   64  when the holder took the lock (float64: a copy of the clock below when it took it)
//   72  the broker's clock (float64, ms on the performance.timeOrigin clock, written every tick):
//       reading a real clock costs 100-300 ns, more than the whole uncontended acquire, so the
//       holder copies this one (a load and a store) and a hold's length is known to a tick
//   80  reserved
//   128 the data: `length` elements of the kind, each aligned to its own size
//
// The counters are 64-bit counts kept as two 32-bit words so that every access can count with
// one Atomics.add on the low word (a carry adds to the high word). The data starts on its own
// 64-byte cache line, away from the counters every access touches.
import { HEADER_WORDS, type SharedSegment } from './segment'

export const LOCK_WORD = HEADER_WORDS
const KIND_WORD = 5
const LENGTH_WORD = 6
const FLAGS_WORD = 7
export const READS = 8
export const WRITES = 10
export const ACQUIRES = 12
export const CONTENDED = 14
const HELD_SINCE_BYTE = 64
export const DATA_BYTE = 128
const HAS_LOCK = 1

export type ValueKind = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64' | 'bigint64' | 'biguint64'

type TypedArrayConstructor =
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor

interface KindInfo {
  code: number
  array: TypedArrayConstructor
  /** Integer kinds: the range a value must be in; null for floats and 64-bit kinds. */
  range: [number, number] | null
  bigint: boolean
}

export const KINDS: Readonly<Record<ValueKind, KindInfo>> = {
  int8: { code: 1, array: Int8Array, range: [-128, 127], bigint: false },
  uint8: { code: 2, array: Uint8Array, range: [0, 255], bigint: false },
  int16: { code: 3, array: Int16Array, range: [-32768, 32767], bigint: false },
  uint16: { code: 4, array: Uint16Array, range: [0, 65535], bigint: false },
  int32: { code: 5, array: Int32Array, range: [-(2 ** 31), 2 ** 31 - 1], bigint: false },
  uint32: { code: 6, array: Uint32Array, range: [0, 2 ** 32 - 1], bigint: false },
  float32: { code: 7, array: Float32Array, range: null, bigint: false },
  float64: { code: 8, array: Float64Array, range: null, bigint: false },
  bigint64: { code: 9, array: BigInt64Array, range: null, bigint: true },
  biguint64: { code: 10, array: BigUint64Array, range: null, bigint: true },
}

/** Python's typecodes (array module / ctypes), so `new Value('i', 0)` reads as it does in Python. */
const TYPECODES: Readonly<Record<string, ValueKind>> = {
  b: 'int8',
  B: 'uint8',
  h: 'int16',
  H: 'uint16',
  i: 'int32',
  I: 'uint32',
  q: 'bigint64',
  Q: 'biguint64',
  f: 'float32',
  d: 'float64',
}

/** The kind a user named, by its name or Python's typecode; a TypeError listing the kinds otherwise. */
export function kindOf(name: unknown, what: string): ValueKind {
  if (typeof name === 'string') {
    if (Object.hasOwn(KINDS, name)) return name as ValueKind
    if (Object.hasOwn(TYPECODES, name)) return TYPECODES[name]!
  }
  throw new TypeError(`${what}: unknown kind ${JSON.stringify(name)}; use one of ${Object.keys(KINDS).join(', ')} (or Python's typecodes ${Object.keys(TYPECODES).join(' ')})`)
}

export function segmentBytes(kind: ValueKind, length: number): number {
  return DATA_BYTE - HEADER_WORDS * 4 + length * KINDS[kind].array.BYTES_PER_ELEMENT
}

/** Writes the description words of a fresh segment (the creator, before anyone else sees it). */
export function describe(segment: SharedSegment, kind: ValueKind, length: number, lock: boolean): void {
  const words = segment.words
  words[KIND_WORD] = KINDS[kind].code
  words[LENGTH_WORD] = length
  words[FLAGS_WORD] = lock ? HAS_LOCK : 0
}

/** What the description words say, checked against what the opener expected. */
export function described(segment: SharedSegment): { kind: ValueKind; length: number; lock: boolean } | null {
  const words = segment.words
  const kind = (Object.keys(KINDS) as ValueKind[]).find((k) => KINDS[k].code === words[KIND_WORD])
  const length = words[LENGTH_WORD]!
  if (!kind || length < 0 || DATA_BYTE + length * KINDS[kind].array.BYTES_PER_ELEMENT > segment.size) return null
  return { kind, length, lock: (words[FLAGS_WORD]! & HAS_LOCK) !== 0 }
}

/** Reads and writes one element of the data, really in memory (see elementAccess). */
export interface ElementAccess {
  load(index: number): number | bigint
  store(index: number, value: number | bigint): void
}

type AtomicArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array

/**
 * Every access goes through Atomics: ECMAScript promises that a read sees other agents' writes,
 * and that a value is never seen half written (a float64 is two 32-bit halves on some machines),
 * only for atomic accesses. Floats have no atomics of their own: their bits go through an integer
 * view of the same bytes.
 */
export function elementAccess(segment: SharedSegment, kind: ValueKind, length: number): ElementAccess {
  const { buffer, byteOffset } = segment.words
  const at = byteOffset + DATA_BYTE
  if (kind === 'float32') {
    const bits = new Int32Array(buffer as ArrayBuffer, at, length)
    const scratch = new Float32Array(1)
    const scratchBits = new Int32Array(scratch.buffer)
    return {
      load: (index) => ((scratchBits[0] = Atomics.load(bits, index)), scratch[0]!),
      store: (index, value) => ((scratch[0] = value as number), void Atomics.store(bits, index, scratchBits[0]!)),
    }
  }
  if (kind === 'float64') {
    const bits = new BigInt64Array(buffer as ArrayBuffer, at, length)
    const scratch = new Float64Array(1)
    const scratchBits = new BigInt64Array(scratch.buffer)
    return {
      load: (index) => ((scratchBits[0] = Atomics.load(bits, index)), scratch[0]!),
      store: (index, value) => ((scratch[0] = value as number), void Atomics.store(bits, index, scratchBits[0]!)),
    }
  }
  if (KINDS[kind].bigint) {
    const data = new KINDS[kind].array(buffer as ArrayBuffer, at, length) as BigInt64Array | BigUint64Array
    return { load: (index) => Atomics.load(data, index), store: (index, value) => void Atomics.store(data, index, value as bigint) }
  }
  const data = new KINDS[kind].array(buffer as ArrayBuffer, at, length) as Exclude<AtomicArray, BigInt64Array | BigUint64Array>
  return { load: (index) => Atomics.load(data, index), store: (index, value) => void Atomics.store(data, index, value as number) }
}

/** The counter words as unsigned, for Atomics.add with wrap-around. */
export function counterWords(segment: SharedSegment): Uint32Array {
  const words = segment.words
  return new Uint32Array(words.buffer, words.byteOffset, DATA_BYTE / 4)
}

/** The held-since slot [0] and the broker's clock [1] (float64s). */
export function clockSlots(segment: SharedSegment): Float64Array {
  const words = segment.words
  return new Float64Array(words.buffer as ArrayBuffer, words.byteOffset + HELD_SINCE_BYTE, 2)
}

/** Adds `n` (< 2^32) to the 64-bit counter at word `lo`. */
export function count(words: Uint32Array, lo: number, n: number): void {
  const before = Atomics.add(words, lo, n)
  if (before + n > 0xffffffff) Atomics.add(words, lo + 1, 1)
}

/**
 * Reads the 64-bit counter at word `lo`. A reader that comes between a low word's wrap and its
 * carry sees the count 2^32 short until the carry lands (once per 4 billion accesses, for the
 * time of two instructions); the high word is read on both sides so a carry that did land is seen.
 */
export function readCount(words: Uint32Array, lo: number): number {
  for (;;) {
    const high = Atomics.load(words, lo + 1)
    const low = Atomics.load(words, lo)
    if (Atomics.load(words, lo + 1) === high) return high * 2 ** 32 + low
  }
}

/** A clock every process of the machine agrees on closely enough for hold times (ms). */
export function sharedClockMs(): number {
  return performance.timeOrigin + performance.now()
}
