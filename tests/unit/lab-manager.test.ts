// Manager(): dict, list and Namespace proxies whose data the broker holds, across real lab
// processes: concurrent writers from 4 processes all land, a killed writer's finished writes
// stay, every operation is an event, and misuse rejects with Python's error classes.
import { describe, expect, it } from 'vitest'
import type { EventOf } from '../../src-shared/events'
import { runSource, type RunResult } from '../helpers/lab'
import { results } from '../helpers/results'

function created(run: RunResult, name: string): EventOf<'object.create'> {
  const event = run.events.find((e): e is EventOf<'object.create'> => e.kind === 'object.create' && e.name === name)
  expect(event, `object.create of ${name}`).toBeDefined()
  return event!
}

function writes(run: RunResult, object: string): EventOf<'manager.write'>[] {
  return run.events.filter((e): e is EventOf<'manager.write'> => e.kind === 'manager.write' && e.object === object)
}

describe('Manager', () => {
  it('keeps every append and set of 4 processes writing at once, each process in its own order', async () => {
    const run = await runSource(`
      import { Process, Manager, Barrier } from 'proclab'
      const TIMES = 40
      export async function work(id, results, log, gate) {
        await gate.wait()
        for (let j = 0; j < TIMES; j++) {
          await log.append({ id, j })
          await results.set('w' + id + '-' + j, j * id)
        }
      }
      export default async function main() {
        const manager = Manager()
        const results = manager.dict({}, { name: 'results' })
        const log = manager.list([], { name: 'log' })
        const gate = new Barrier(4)
        const ps = [1, 2, 3, 4].map((id) => new Process({ target: work, args: [id, results, log, gate] }))
        for (const p of ps) await p.start()
        for (const p of ps) await p.join()
        const entries = await log.copy()
        const inOrder = [1, 2, 3, 4].every((id) => entries.filter((e) => e.id === id).map((e) => e.j).join() === [...Array(TIMES).keys()].join())
        console.log('RESULT ' + JSON.stringify({
          exits: ps.map((p) => p.exitCode), listLength: await log.length(), dictLength: await results.length(), inOrder,
          w3: await results.get('w3-39'), interleaved: new Set(entries.slice(0, 40).map((e) => e.id)).size > 1 || 'not interleaved',
        }))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const facts = results(run.lines('MainProcess'))
    expect(facts).toMatchObject({ exits: [0, 0, 0, 0], listLength: 160, dictLength: 160, inOrder: true, w3: 117 })
    // Each append is one brokered call, one event, from the process that made it.
    const appends = writes(run, created(run, 'log').object).filter((e) => e.op === 'append')
    expect(appends).toHaveLength(160)
    const workerLids = new Set(run.starts.filter((s) => s.name !== 'MainProcess').map((s) => s.lid))
    expect(new Set(appends.map((e) => e.lid))).toEqual(workerLids)
    // Each write carries the size, and the first MANAGER_SHOWN entries as previews while they change:
    // after the 20th append only the size moves, and the entries are left out.
    const shown = appends.filter((e) => e.entries !== undefined)
    expect(shown).toHaveLength(20)
    expect(appends.at(-1)).toMatchObject({ size: 160, more: 140 })
    expect(appends.at(-1)!.entries).toBeUndefined()
    expect(shown.at(-1)!.entries).toHaveLength(20)
    expect(shown.at(-1)!.entries![0]!.value).toMatch(/^\{ id: [1-4], j: 0 \}$/)
  })

  it("keeps what a killed process wrote before it died, and serves the others after", async () => {
    const run = await runSource(`
      import { Process, Manager, Queue, sleep } from 'proclab'
      export async function writer(d, l, told) {
        await l.append('first')
        await l.append('second')
        await d.set('state', 'written')
        await told.put('done')
        await sleep(60000)
      }
      export default async function main() {
        const manager = Manager()
        const d = manager.dict(), l = manager.list(['start'], { name: 'kept' })
        const told = new Queue()
        const p = new Process({ target: writer, args: [d, l, told], name: 'writer' })
        await p.start()
        await told.get()
        p.kill()
        await p.join()
        await l.append('after')
        console.log('RESULT ' + JSON.stringify({ exit: p.exitCode, list: await l.copy(), state: await d.get('state') }))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    expect(results(run.lines('MainProcess'))).toEqual({ exit: -9, list: ['start', 'first', 'second', 'after'], state: 'written' })
    const kept = writes(run, created(run, 'kept').object)
    // The initial contents are a write of their own ('init'), by the creator.
    expect(kept.map((e) => e.op)).toEqual(['init', 'append', 'append', 'append'])
    expect(kept[1]).toMatchObject({ lid: run.start('writer').lid, key: '1' })
    expect(kept.at(-1)!.entries).toEqual([
      { key: '0', value: "'start'" },
      { key: '1', value: "'first'" },
      { key: '2', value: "'second'" },
      { key: '3', value: "'after'" },
    ])
  })

  it('follows Python: dict, list and Namespace operations, copies on read, shared objects inside values', async () => {
    const run = await runSource(`
      import { Process, Manager, Lock } from 'proclab'
      export async function child(ns, d) {
        await ns.set('seen', await ns.get('x') + 1)
        const lock = await d.get('lock')
        console.log('RESULT ' + JSON.stringify({ childLock: await lock.acquire({ timeout: 0 }) }))
        await lock.release()
      }
      export default async function main() {
        const manager = Manager({ name: 'm' })
        const d = manager.dict([[1, 'one'], ['1', 'text one']])
        const l = manager.list([3, 1, 2])
        const ns = manager.Namespace({ x: 41 })
        await d.set('nested', { a: [1, 2] })
        const copy = await d.get('nested'); copy.a.push(3)
        await d.set('when', new Date(0))
        await d.set('lock', new Lock({ name: 'inner' }))
        const p = new Process({ target: child, args: [ns, d] })
        await p.start(); await p.join()
        await l.sort(); const sorted = await l.copy()
        await l.sort({ reverse: true }); await l.insert(-1, 9); await l.reverse()
        const seen = []
        for await (const x of l) seen.push(x)
        console.log('RESULT ' + JSON.stringify({
          names: [d.name, l.name, ns.name], keys: await d.keys(), one: await d.get(1), textOne: await d.getItem('1'),
          nestedUnchanged: await d.get('nested'), isDate: (await d.get('when')) instanceof Date,
          missing: await d.get('nope'), fallback: await d.get('nope', 'dflt'), has: [await d.has(1), await d.has(2)],
          pop: await d.pop(1), popDefault: await d.pop(1, 'gone'), setDefault: [await d.setDefault('k', 5), await d.setDefault('k', 6)],
          sorted, seen, last: await l.get(-1), index: await l.index(9), count: await l.count(3), popped: await l.pop(0),
          ns: await ns.copy(), hasattr: [await ns.has('seen'), await ns.has('y')],
        }))
        await d.update({ u: 1 }); await d.delete('u'); await l.remove(2); await l.set(0, 'zero'); await l.delete(-1); await ns.delete('x')
        console.log('RESULT ' + JSON.stringify({ after: await l.copy(), ns2: await ns.copy(), items: (await d.items()).length, cleared: (await d.clear(), await d.length()) }))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    expect(results(run.lines('Process-1'))).toEqual({ childLock: true })
    const facts = results(run.lines('MainProcess'))
    expect(facts).toMatchObject({
      names: ['m.dict-1', 'm.list-2', 'm.Namespace-3'],
      keys: [1, '1', 'nested', 'when', 'lock'],
      one: 'one',
      textOne: 'text one',
      nestedUnchanged: { a: [1, 2] },
      isDate: true,
      fallback: 'dflt',
      has: [true, false],
      pop: 'one',
      popDefault: 'gone',
      setDefault: [5, 5],
      sorted: [1, 2, 3],
      // [3, 2, 1] → insert(-1, 9) → [3, 2, 9, 1] → reverse → [1, 9, 2, 3]
      seen: [1, 9, 2, 3],
      last: 3,
      index: 1,
      count: 1,
      popped: 1,
      ns: { x: 41, seen: 42 },
      hasattr: [true, false],
      after: ['zero'],
      ns2: { seen: 42 },
      items: 5,
      cleared: 0,
    })
    expect('missing' in facts).toBe(false) // undefined: JSON leaves it out
    // The dict's card shows the Lock inside by type and name, keys as Python prints them.
    const dict = writes(run, created(run, 'm.dict-1').object)
    const withLock = dict.find((e) => e.op === 'set' && e.key === "'lock'")!
    expect(withLock.entries!).toContainEqual({ key: "'lock'", value: '<Lock inner>' })
    expect(withLock.entries!.slice(0, 2)).toEqual([
      { key: '1', value: "'one'" },
      { key: "'1'", value: "'text one'" },
    ])
    // Reads are events too.
    expect(run.events.some((e) => e.kind === 'manager.read' && e.op === 'getItem' && e.key === "'1'")).toBe(true)
  })

  it('rejects bad calls with clear errors, and every call after shutdown', async () => {
    const run = await runSource(`
      import { Process, Manager } from 'proclab'
      const error = (fn) => { try { fn(); return 'no error' } catch (e) { return e.name + ': ' + e.message } }
      const rejection = async (fn) => { try { await fn(); return 'no error' } catch (e) { return e.name + ': ' + e.message } }
      export async function late(d) {
        console.log('RESULT ' + JSON.stringify({ child: await rejection(() => d.get('a')) }))
      }
      export default async function main() {
        const manager = Manager()
        const d = manager.dict({ a: 1 }, { name: 'd' }), l = manager.list([], { name: 'l' }), ns = manager.Namespace({}, { name: 'ns' })
        console.log('RESULT ' + JSON.stringify({
          keyError: await rejection(() => d.getItem('b')),
          delMissing: await rejection(() => d.delete('b')),
          popMissing: await rejection(() => d.pop('b')),
          popItemEmpty: await rejection(() => manager.dict().popItem()),
          objectKey: await rejection(() => d.set({ k: 1 }, 1)),
          fnValue: await rejection(() => d.set('f', () => 1)),
          indexError: await rejection(() => l.get(0)),
          popEmpty: await rejection(() => l.pop()),
          notWhole: await rejection(() => l.get(1.5)),
          valueError: await rejection(() => l.remove('x')),
          mixedSort: await rejection(async () => { await l.extend([1, 'a']); await l.sort() }),
          attributeError: await rejection(() => ns.get('x')),
          badName: await rejection(() => ns.set('', 1)),
          badInitial: error(() => manager.list(5)),
          printed: String(d),
        }))
        await manager.shutdown()
        const p = new Process({ target: late, args: [d] })
        await p.start(); await p.join()
        console.log('RESULT ' + JSON.stringify({ afterShutdown: await rejection(() => l.append(1)), newProxy: error(() => manager.dict()), again: await rejection(() => manager.shutdown()) }))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const facts = results(run.lines('MainProcess'))
    expect(facts).toEqual({
      keyError: "KeyError: no key 'b' in the dict",
      delMissing: "KeyError: no key 'b' in the dict",
      popMissing: "KeyError: no key 'b' in the dict",
      popItemEmpty: 'KeyError: popItem(): the dict is empty',
      objectKey: expect.stringMatching(/^TypeError: set: a dict key must be a string or a finite number \(got object\)/),
      fnValue: expect.stringMatching(/^TypeError: d\.set: this value cannot be kept by a Manager: .*structured clone/),
      indexError: 'IndexError: get(0): list index out of range (it has 0 elements)',
      popEmpty: 'IndexError: pop(): the list is empty',
      notWhole: 'TypeError: get: a list index must be a whole number (negative counts from the end), got 1.5',
      valueError: 'ValueError: remove(x): x is not in the list',
      mixedSort: expect.stringMatching(/^TypeError: sort\(\): it sorts a list of numbers or of strings only \(this one holds number and string\)/),
      attributeError: "AttributeError: the Namespace has no attribute 'x'",
      badName: 'TypeError: set: an attribute name must be a non-empty string, got string',
      badInitial: 'TypeError: manager.list: expected an array (or another iterable) of values',
      printed: '<DictProxy d>',
      afterShutdown: 'ProcessError: l: its Manager was shut down, and its data with it',
      newProxy: 'ProcessError: manager.dict(): this Manager was shut down',
      again: 'no error',
    })
    expect(results(run.lines('Process-1'))).toEqual({ child: 'ProcessError: d: its Manager was shut down, and its data with it' })
    // A refused call is an event that names the process and the operation; shutdown empties the card.
    const d = created(run, 'd').object
    expect(run.events).toContainEqual(expect.objectContaining({ kind: 'manager.refused', object: d, op: 'getItem', key: "'b'", error: "no key 'b' in the dict" }))
    expect(writes(run, d).at(-1)).toMatchObject({ op: 'shutdown', size: 0, entries: [], more: 0 })
  })

  it('shuts down at the end of an `await using` block (TypeScript), and makes proclab objects for Queue, Lock and Event', async () => {
    const run = await runSource(
      `
      import { Manager, Process, Queue, Lock, type DictProxy } from 'proclab'
      export async function child(q: Queue, lock: Lock) {
        await lock.withLock(async () => { await q.put('from child') })
      }
      export default async function main() {
        let d: DictProxy<number>
        let q: Queue, lock: Lock, isQueue = false, isLock = false
        {
          await using manager = Manager()
          d = manager.dict({ a: 1 })
          q = manager.Queue(); lock = manager.Lock({ name: 'm-lock' })
          isQueue = q instanceof Queue; isLock = lock instanceof Lock
          console.log('RESULT ' + JSON.stringify({ inside: await d.get('a'), ev: (await manager.Event().isSet()) }))
        }
        let after = 'no error'
        try { await d.get('a') } catch (e) { after = (e as Error).name }
        const p = new Process({ target: child, args: [q, lock] })
        await p.start(); await p.join()
        console.log('RESULT ' + JSON.stringify({ after, isQueue, isLock, fromChild: await q.get() }))
      }
    `,
      {},
      'lab.ts',
    )
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    // The Queue and Lock outlive the shutdown: they are proclab's own, which the broker holds anyway.
    expect(results(run.lines('MainProcess'))).toEqual({ inside: 1, ev: false, after: 'ProcessError', isQueue: true, isLock: true, fromChild: 'from child' })
  })
})
