// The supervisor's pause gate (issue 17): while closed it holds work in the order it came, runs it
// all at open() even when a piece throws, and stamps what it held no earlier than the resume.
import { describe, expect, it } from 'vitest'
import { PauseGate } from '../../src-main/lab/supervisor/pause-gate'

describe('PauseGate', () => {
  it('passes work straight through while open, holds it while closed, and runs it in order at open', () => {
    const errors: unknown[] = []
    const gate = new PauseGate((error) => errors.push(error))
    const done: string[] = []
    gate.pass(() => done.push('a'))
    expect(done).toEqual(['a'])
    gate.close()
    expect(gate.paused).toBe(true)
    gate.pass(() => done.push('b'))
    gate.hold(() => {
      throw new Error('c failed')
    })
    gate.pass(() => done.push('d'))
    expect(done).toEqual(['a'])
    expect(gate.heldCount).toBe(3)
    expect(gate.open(1_000)).toBe(3)
    expect(done).toEqual(['a', 'b', 'd'])
    expect(errors).toEqual([new Error('c failed')])
    expect(gate.paused).toBe(false)
    expect(gate.heldCount).toBe(0)
  })

  it('stamps held events no earlier than the resume', () => {
    const gate = new PauseGate(() => {})
    gate.close()
    gate.open(5_000)
    expect(gate.notBefore(4_000)).toBe(5_000)
    expect(gate.notBefore(6_000)).toBe(6_000)
  })

  it('refuses to hold while open: a caller that holds must have asked `paused` first', () => {
    expect(() => new PauseGate(() => {}).hold(() => {})).toThrow(/not paused/)
  })

  it('lets a stepped owner through: what it had held first, in order, then its new work; the rest stay held', () => {
    const gate = new PauseGate(() => {})
    const done: string[] = []
    gate.close()
    gate.pass(() => done.push('p1'), 'p')
    gate.pass(() => done.push('q1'), 'q')
    gate.pass(() => done.push('timer'))
    gate.pass(() => done.push('p2'), 'p')
    expect(gate.holds('p')).toBe(true)
    gate.letThrough('p')
    expect(done).toEqual(['p1', 'p2'])
    expect([gate.holds('p'), gate.holds('q'), gate.steps('p')]).toEqual([false, true, true])
    gate.pass(() => done.push('p3'), 'p')
    gate.pass(() => done.push('q2'), 'q')
    expect(done).toEqual(['p1', 'p2', 'p3'])
    gate.stopLetting('p')
    gate.pass(() => done.push('p4'), 'p')
    expect(gate.heldCount).toBe(4)
    expect(gate.open(1)).toBe(4)
    expect(done).toEqual(['p1', 'p2', 'p3', 'q1', 'timer', 'q2', 'p4'])
    expect(gate.steps('p')).toBe(false)
  })
})
