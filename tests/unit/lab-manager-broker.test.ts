// The broker's side of Manager proxies, driven with messages no proclab process would send (the
// socket is open to anything holding a token): each is refused with a reason, and the object keeps
// working. Plus the values' previews: Python's repr, shared objects by type and name, cut short.
import { describe, expect, it } from 'vitest'
import { encodeItem } from '../../src-main/lab/item-codec'
import type { Call, ObjectEnv, ObjectEvent } from '../../src-main/lab/supervisor/objects/base'
import { DictObject, ListObject } from '../../src-main/lab/supervisor/objects/managed'
import { previewValue } from '../../src-main/lab/supervisor/objects/managed-preview'

function recorder() {
  const events: ObjectEvent[] = []
  const warnings: string[] = []
  const env: ObjectEnv = { emit: (_who, event) => events.push(event), warn: (message) => warnings.push(message), lookup: () => undefined, now: () => 0, processWithPid: () => undefined }
  return { env, events, warnings }
}

type Answer = { ok: true; value: unknown } | { ok: false; name: string; message: string }

function ask(object: DictObject | ListObject, method: string, args: Record<string, unknown>): Answer {
  let answer: Answer | null = null
  const call: Call = {
    caller: { lid: 'r1.L0', pid: 100, push: () => {} },
    reply: (value) => (answer = { ok: true, value }),
    fail: (name, message) => (answer = { ok: false, name, message }),
  }
  object.call(method, args, call)
  if (!answer) throw new Error(`${method} was not answered`)
  return answer
}

const bytes = (value: unknown) => encodeItem(value)

describe('Manager objects in the broker', () => {
  it('refuses malformed calls with a reason and goes on serving', () => {
    const { env, events } = recorder()
    const list = new ListObject('r1.L0/1', 'l', env)
    expect(ask(list, 'append', { value: 'not bytes' })).toMatchObject({ ok: false, name: 'TypeError' })
    expect(ask(list, 'remove', { value: new Uint8Array([0xff, 1, 2]) })).toMatchObject({ ok: false, name: 'TypeError', message: expect.stringMatching(/cannot be decoded/) })
    expect(ask(list, 'get', { index: '0' })).toMatchObject({ ok: false, name: 'TypeError' })
    expect(ask(list, 'frobnicate', {})).toEqual({ ok: false, name: 'ProcessError', message: "list l has no operation 'frobnicate'" })
    expect(ask(list, 'constructor', {})).toMatchObject({ ok: false, name: 'ProcessError' })
    expect(ask(list, 'extend', { values: [bytes(1), 'x'] })).toMatchObject({ ok: false, name: 'TypeError' })
    expect(ask(list, 'append', { value: bytes(7) })).toEqual({ ok: true, value: undefined })
    expect(ask(list, 'length', {})).toEqual({ ok: true, value: 1 })
    expect(events.filter((e) => e.kind === 'manager.refused')).toHaveLength(6)

    const dict = new DictObject('r1.L0/2', 'd', env)
    expect(ask(dict, 'set', { key: { a: 1 }, value: bytes(1) })).toMatchObject({ ok: false, name: 'TypeError' })
    expect(ask(dict, 'set', { key: Number.NaN, value: bytes(1) })).toMatchObject({ ok: false, name: 'TypeError' })
    // A refused update changes nothing, even where its first pairs were fine.
    expect(ask(dict, 'update', { entries: [['a', bytes(1)], ['b']] })).toMatchObject({ ok: false, name: 'TypeError' })
    expect(ask(dict, 'length', {})).toEqual({ ok: true, value: 0 })
  })

  it('warns about initial contents it cannot take, instead of throwing', () => {
    const { env, warnings } = recorder()
    const dict = new DictObject('r1.L0/3', 'd', env)
    dict.tell('init', { entries: 'nope' }, { lid: 'r1.L0', pid: 100, push: () => {} })
    dict.tell('other', {}, { lid: 'r1.L0', pid: 100, push: () => {} })
    expect(warnings).toEqual(['d: its initial contents were refused: update(): entries must be a list of [key, value] pairs', "dict d has no one-way operation 'other'"])
  })

  it('previews values as Python would print them, shared objects by name, cut at 60 characters', () => {
    expect(previewValue('text')).toBe("'text'")
    expect(previewValue({ a: [1, 2], b: null })).toBe('{ a: [ 1, 2 ], b: null }')
    expect(previewValue({ lock: { __proclab_object__: true, type: 'bounded-semaphore', oid: 'x', name: 'slots', extra: {} } })).toBe('{ lock: <BoundedSemaphore slots> }')
    const long = previewValue('x'.repeat(500))
    expect(long).toHaveLength(60)
    expect(long.endsWith('…')).toBe(true)
  })
})
