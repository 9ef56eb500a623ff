// The System tab's sort order (pure: no store, no transport).
import { describe, expect, it } from 'vitest'
import type { SystemProcess } from '../../src-shared/contract'
import { compareRows } from '../../src-renderer/features/system/systemSort'

function row(pid: number, fields: Partial<SystemProcess> = {}): SystemProcess {
  return { pid, ppid: 1, name: `p${pid}`, command: '', user: 'u', state: 'sleeping', cpu: 0, rss: 0, startedAt: 0, lab: false, threads: 1, nice: 0, memPercent: 0, signalRefused: null, ...fields }
}

const order = (rows: SystemProcess[], ...args: Parameters<typeof compareRows>) => [...rows].sort(compareRows(...args)).map((r) => r.pid)

describe('compareRows', () => {
  it('sorts numbers either way with ties broken by pid ascending', () => {
    const rows = [row(3, { cpu: 5 }), row(1, { cpu: 5 }), row(2, { cpu: 50 })]
    expect(order(rows, 'cpu', 'desc')).toEqual([2, 1, 3])
    expect(order(rows, 'cpu', 'asc')).toEqual([1, 3, 2])
  })

  it('sorts text by locale and puts unknown values last in both directions', () => {
    expect(order([row(1, { name: 'beta' }), row(2, { name: 'Alpha' })], 'name', 'asc')).toEqual([2, 1])
    const rows = [row(1, { threads: null }), row(2, { threads: 4 }), row(3, { threads: 9 })]
    expect(order(rows, 'threads', 'desc')).toEqual([3, 2, 1])
    expect(order(rows, 'threads', 'asc')).toEqual([2, 3, 1])
  })
})
