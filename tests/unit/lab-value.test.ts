// Value and Array in shared memory, across real lab processes: counting under getLock(), a child's
// writes seen by its parent, a holder SIGKILLed while holding the lock, the errors of misuse, and
// the segments gone from /dev/shm once the run has ended.
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { EventOf } from '../../src-shared/events'
import { sharedMemory } from '../../src-main/platform/shared-memory'
import { createSegment } from '../../src-main/lab/values'
import { runSource, type RunResult } from '../helpers/lab'
import { linuxOnly, needs } from '../helpers/platform'
import { results } from '../helpers/results'

const withSharedMemory = needs(sharedMemory() !== null, 'shared memory (shm_open or CreateFileMapping)')

function created(run: RunResult, name: string): EventOf<'object.create'> {
  const event = run.events.find((e): e is EventOf<'object.create'> => e.kind === 'object.create' && e.name === name)
  expect(event, `object.create of ${name}`).toBeDefined()
  return event!
}

function lastCounts(run: RunResult, object: string): EventOf<'value.counts'> | undefined {
  return run.events.filter((e): e is EventOf<'value.counts'> => e.kind === 'value.counts' && e.object === object).at(-1)
}

describe('Value', withSharedMemory, () => {
  it('counts exactly with getLock() across 4 processes, and loses updates without it', async () => {
    // Each +1 reads, pauses (so another process can read the same number) and writes. Workers
    // start together at a Barrier. Without the lock the pause loses updates every time; with it,
    // none: the same code, so the locked total being exact is the lock's doing.
    const run = await runSource(`
      import { Process, Value, Barrier, sleep } from 'proclab'
      const WORKERS = 4, TIMES = 25
      export async function add(counter, gate, locked) {
        await gate.wait()
        for (let i = 0; i < TIMES; i++) {
          const step = async () => { const seen = counter.value; await sleep(2); counter.value = seen + 1 }
          if (locked) await counter.getLock().withLock(step)
          else await step()
        }
      }
      async function total(locked) {
        const counter = new Value('i', 0, { name: locked ? 'locked' : 'unlocked' })
        const gate = new Barrier(WORKERS)
        const ps = Array.from({ length: WORKERS }, () => new Process({ target: add, args: [counter, gate, locked] }))
        for (const p of ps) await p.start()
        for (const p of ps) await p.join()
        return counter.value
      }
      export default async function main() {
        console.log('RESULT ' + JSON.stringify({ unlocked: await total(false), locked: await total(true) }))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const { unlocked, locked } = results(run.lines('MainProcess'))
    expect(locked).toBe(100)
    expect(unlocked as number).toBeLessThan(100)
    // The counts the broker read from the segment: every read and write, every hold.
    const counts = lastCounts(run, created(run, 'locked').object)
    expect(counts).toMatchObject({ reads: 101, writes: 100, acquires: 100 })
    expect(lastCounts(run, created(run, 'unlocked').object)).toMatchObject({ reads: 101, writes: 100, acquires: 0, contended: 0 })
  })

  it('counts exactly with a tight `counter.value += 1` under the lock (4 × 20,000)', async () => {
    const run = await runSource(`
      import { Process, Value, Barrier } from 'proclab'
      export async function add(counter, gate) {
        await gate.wait()
        const lock = counter.getLock()
        for (let i = 0; i < 20000; i++) { await lock.acquire(); counter.value += 1; lock.release() }
      }
      export default async function main() {
        const counter = new Value('int32', 0, { name: 'counter' })
        const gate = new Barrier(4)
        const ps = [1, 2, 3, 4].map(() => new Process({ target: add, args: [counter, gate] }))
        for (const p of ps) await p.start()
        for (const p of ps) await p.join()
        console.log('RESULT ' + JSON.stringify({ total: counter.value }))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    expect(results(run.lines('MainProcess')).total).toBe(80000)
    expect(lastCounts(run, created(run, 'counter').object)).toMatchObject({ reads: 80001, writes: 80000, acquires: 80000 })
  })

  it("shows the parent a child's writes, and shares an Array (by size or from values)", async () => {
    const run = await runSource(`
      import { Process, Value, SharedArray, Array as MpArray } from 'proclab'
      export function fill(x, arr, squares, big) {
        x.value = 3.25
        for (let i = 0; i < arr.length; i++) arr.set(i, i * 10)
        squares.set(2, -1)
        big.value = 2n ** 40n
      }
      export default async function main() {
        const x = new Value('d', 0), arr = new SharedArray('int16', 5), squares = new MpArray('float32', [0, 1, 4, 9])
        const big = new Value('bigint64')
        const p = new Process({ target: fill, args: [x, arr, squares, big] })
        await p.start(); await p.join()
        console.log('RESULT ' + JSON.stringify({ x: x.value, arr: arr.toArray(), spread: [...arr], squares: squares.toArray(), len: squares.length, big: String(big.value), kind: arr.kind, sameClass: MpArray === SharedArray }))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    expect(results(run.lines('MainProcess'))).toEqual({ x: 3.25, arr: [0, 10, 20, 30, 40], spread: [0, 10, 20, 30, 40], squares: [0, 1, -1, 9], len: 4, big: String(2n ** 40n), kind: 'int16', sameClass: true })
    expect(created(run, 'Array-2')).toMatchObject({ type: 'array', capacity: 5 })
  })

  it('frees the lock of a holder killed with SIGKILL: lock.abandoned names it, and the next waiter gets the lock', async () => {
    const run = await runSource(`
      import { Process, Value, Queue, sleep } from 'proclab'
      export async function holder(counter, told) {
        await counter.getLock().acquire()
        counter.value = 1
        await told.put('holding')
        await sleep(60000)
      }
      export async function waiter(counter, told) {
        await told.put('waiting')
        const got = await counter.getLock().acquire({ timeout: 30000 })
        console.log('RESULT ' + JSON.stringify({ got, seen: counter.value }))
        counter.value = 2
        counter.getLock().release()
      }
      export default async function main() {
        const counter = new Value('int32', 0, { name: 'counter' })
        const told = new Queue()
        const h = new Process({ target: holder, args: [counter, told], name: 'holder' })
        await h.start()
        await told.get()
        const w = new Process({ target: waiter, args: [counter, told], name: 'waiter' })
        await w.start()
        await told.get()
        await sleep(300) // the waiter is asleep on the lock word by now
        const lockedBefore = counter.getLock().locked()
        h.kill()
        await h.join()
        await w.join()
        console.log('RESULT ' + JSON.stringify({ lockedBefore, holderExit: h.exitCode, waiterExit: w.exitCode, final: counter.value, lockedAfter: counter.getLock().locked() }))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    expect(results(run.lines('waiter'))).toEqual({ got: true, seen: 1 })
    expect(results(run.lines('MainProcess'))).toMatchObject({ lockedBefore: true, waiterExit: 0, final: 2, lockedAfter: false })
    const counter = created(run, 'counter')
    const abandoned = run.events.filter((e): e is EventOf<'lock.abandoned'> => e.kind === 'lock.abandoned' && e.object === counter.object)
    expect(abandoned).toHaveLength(1)
    expect(abandoned[0]).toMatchObject({ lid: run.start('holder').lid, pid: run.start('holder').pid })
    // Held for the 300 ms the main slept, at least (to the broker's 100 ms tick).
    expect(abandoned[0]!.heldUs).toBeGreaterThanOrEqual(150_000)
  })

  it('says clearly what is wrong when misused', async () => {
    const run = await runSource(`
      import { Value, SharedArray } from 'proclab'
      const error = (fn) => { try { fn(); return 'no error' } catch (e) { return e.name + ': ' + e.message } }
      const rejection = async (fn) => { try { await fn(); return 'no error' } catch (e) { return e.name + ': ' + e.message } }
      export default async function main() {
        const v = new Value('uint8', 7, { name: 'small' }), arr = new SharedArray('float64', 3, { name: 'arr' })
        const raw = new Value('int32', 0, { lock: false, name: 'raw' })
        const big = new Value('biguint64', 0n, { name: 'big' })
        console.log('RESULT ' + JSON.stringify({
          badKind: error(() => new Value('int', 0)),
          badSize: error(() => new SharedArray('int32', -1)),
          notNumber: error(() => { v.value = '8' }),
          notWhole: error(() => { v.value = 1.5 }),
          tooBig: error(() => { v.value = 256 }),
          bigNotBigint: error(() => { big.value = 1 }),
          bigNegative: error(() => { big.value = -1n }),
          indexHigh: error(() => arr.get(3)),
          indexNegative: error(() => arr.set(-1, 1)),
          indexNotInt: error(() => arr.get(1.5)),
          arrNotNumber: error(() => arr.set(0, null)),
          noLock: error(() => raw.getLock()),
          badLockOption: error(() => new Value('i', 0, { lock: 'yes' })),
          releaseFree: error(() => v.getLock().release()),
          badTimeout: await rejection(() => v.getLock().acquire({ timeout: -1 })),
          rawStillWorks: (raw.value = 5, raw.value),
          unchanged: v.value,
        }))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const r = results(run.lines('MainProcess'))
    expect(r.badKind).toMatch(/^TypeError: Value: unknown kind "int"; use one of int8, uint8, .*float64, bigint64, biguint64 \(or Python's typecodes b B h H i I q Q f d\)$/)
    expect(r.badSize).toMatch(/^TypeError: Array\('int32', size\): size must be a whole number from 0 to \d+, or the initial values; got -1$/)
    expect(r.notNumber).toBe('TypeError: small.value: a uint8 holds a number, got the string "8"')
    expect(r.notWhole).toBe('RangeError: small.value: a uint8 holds whole numbers from 0 to 255, got 1.5')
    expect(r.tooBig).toBe('RangeError: small.value: a uint8 holds whole numbers from 0 to 255, got 256')
    expect(r.bigNotBigint).toBe('TypeError: big.value: a biguint64 holds a bigint (e.g. 5n), got 1')
    expect(r.bigNegative).toBe('RangeError: big.value: -1n is out of range for biguint64')
    expect(r.indexHigh).toBe('RangeError: arr: index 3 is out of range (it has 3 elements, 0 to 2)')
    expect(r.indexNegative).toBe('RangeError: arr: index -1 is out of range (it has 3 elements, 0 to 2)')
    expect(r.indexNotInt).toBe('RangeError: arr: index 1.5 is out of range (it has 3 elements, 0 to 2)')
    expect(r.arrNotNumber).toBe('TypeError: arr.set(0, …): a float64 holds a number, got null')
    expect(r.noLock).toBe("ProcessError: raw was made with { lock: false } (Python's RawValue/RawArray): it has no lock")
    expect(r.badLockOption).toMatch(/^TypeError: Value: lock must be true or false/)
    expect(r.releaseFree).toBe('ProcessError: cannot release the lock of small: it is not locked')
    expect(r.badTimeout).toMatch(/^TypeError: small.getLock\(\).acquire: timeout must be a non-negative number/)
    expect(r).toMatchObject({ rawStillWorks: 5, unchanged: 7 })
  })

  it('unlinks its segments when the run ends', linuxOnly('segments are files in /dev/shm'), async () => {
    const run = await runSource(`
      import { existsSync } from 'node:fs'
      import { Process, Value, SharedArray } from 'proclab'
      export function touch(v, a) { v.value = 1; a.set(0, 1) }
      export default async function main() {
        const v = new Value('i', 0), a = new SharedArray('d', 1000)
        const p = new Process({ target: touch, args: [v, a] })
        await p.start(); await p.join()
        const paths = [v, a].map((o) => '/dev/shm/' + o.toRef().extra.address.name)
        console.log('RESULT ' + JSON.stringify({ paths, existed: paths.map((p) => existsSync(p)) }))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const { paths, existed } = results(run.lines('MainProcess')) as { paths: string[]; existed: boolean[] }
    expect(paths).toHaveLength(2)
    for (const path of paths) expect(path).toMatch(/^\/dev\/shm\/proclab-[a-z0-9]{16}$/)
    expect(existed).toEqual([true, true])
    expect(paths.filter((path) => existsSync(path))).toEqual([])
  })
})

describe('Value and Array without shared memory', () => {
  it('say at construction that they need it', () => {
    expect(() => createSegment('value', 'int32', 1, null)).toThrow(
      /^Value needs shared memory, which ProcLab cannot use on this OS \(shared memory is not available on this OS\); use a Queue or a Pipe to pass numbers between processes here$/,
    )
    expect(() => createSegment('array', 'float64', 8, null)).toThrow(/^Array needs shared memory/)
  })
})
