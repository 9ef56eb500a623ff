// The shared-memory Lock's events come in batches from several processes and are put back in the
// order of the lock's sequence word. A death skips only the numbers taken before it: a live
// process's batch still on its way keeps its place (a CI run once saw it overtaken).
import { describe, expect, it } from 'vitest'
import { LockEventOrder } from '../../src-main/lab/supervisor/objects/lock-events'

describe('LockEventOrder', () => {
  it('emits in sequence order whatever order the batches arrive in', () => {
    const order = new LockEventOrder()
    const seen: number[] = []
    for (const seq of [3, 1, 4, 2]) order.add(seq, () => seen.push(seq))
    expect(seen).toEqual([1, 2, 3, 4])
    expect(order.held).toBe(0)
  })

  it('runs what waits for an event right after it', () => {
    const order = new LockEventOrder()
    const seen: string[] = []
    order.after(2, () => seen.push('request after 2'))
    order.add(2, () => seen.push('2'))
    order.add(3, () => seen.push('3'))
    expect(seen).toEqual([])
    order.add(1, () => seen.push('1'))
    expect(seen).toEqual(['1', '2', 'request after 2', '3'])
  })

  it('skips gaps only up to the given number: later gaps keep waiting for their batch', () => {
    const order = new LockEventOrder()
    const seen: number[] = []
    // 1 and 2 were a killed process's and are lost; 4 is a live process's, on its way.
    order.add(3, () => seen.push(3))
    order.add(5, () => seen.push(5))
    order.skipGaps(3)
    expect(seen).toEqual([3])
    expect(order.held).toBe(1)
    order.add(4, () => seen.push(4))
    expect(seen).toEqual([3, 4, 5])
    // A number that was skipped and comes after all is emitted late rather than lost.
    order.add(1, () => seen.push(1))
    expect(seen).toEqual([3, 4, 5, 1])
  })

  it('skips every gap at the end of the run', () => {
    const order = new LockEventOrder()
    const seen: number[] = []
    order.add(2, () => seen.push(2))
    order.after(6, () => seen.push(60))
    order.add(7, () => seen.push(7))
    order.skipGaps()
    expect(seen).toEqual([2, 60, 7])
    expect(order.held).toBe(0)
  })
})
