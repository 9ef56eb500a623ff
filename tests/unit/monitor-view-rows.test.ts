// The System tab's rows (filter, chips, sort, tree) and per-process history, without a browser.
import { describe, expect, it } from 'vitest'
import type { SystemProcess } from '../../src-shared/contract'
import { ChangeLog } from '../../src-main/monitor/changes'
import { ProcessHistories } from '../../src-renderer/features/system/systemHistory'
import { filterRows, orderRows, treeRows, type LastOrder, type RowFilter, type SystemRow } from '../../src-renderer/features/system/systemRows'
import { compareRows, type SortKey } from '../../src-renderer/features/system/systemSort'
import { ProcessTable } from '../../src-renderer/features/system/systemTable'

function row(pid: number, ppid: number, fields: Partial<SystemProcess> = {}): SystemRow {
  return { pid, ppid, name: `p${pid}`, command: `/bin/p${pid}`, user: 'me', state: 'sleeping', cpu: 0, rss: 0, startedAt: 1000, lab: false, threads: 1, nice: 0, memPercent: 0, signalRefused: null, ...fields }
}

const FILTER: RowFilter = { text: '', user: undefined, onlyLab: false, onlyZombies: false, flat: false, sortKey: 'pid', sortDir: 'asc' }
const none = () => false
/** Sorted, then filtered: what the System tree does (orderRows, then filterRows). */
const visibleRows = (all: readonly SystemRow[], filter: RowFilter) => filterRows([...all].sort(compareRows(filter.sortKey, filter.sortDir)), filter)
const shape = (rows: ReturnType<typeof treeRows>) => rows.map((r) => [r.pid, r.level, r.posInSet, r.setSize, r.hasChildren, r.expanded, r.parentKey])

//    1
//    ├─ 2
//    │  └─ 5
//    └─ 3
//  9 (parent 77 is not in the table: a root)
const FAMILY = [row(5, 2), row(3, 1), row(9, 77, { lab: true, user: 'other' }), row(1, 0), row(2, 1, { state: 'zombie' })]

describe('treeRows', () => {
  it('nests by ppid, depth first, siblings in the given order, with ARIA positions', () => {
    const rows = treeRows(visibleRows(FAMILY, FILTER), false, none)
    expect(shape(rows)).toEqual([
      [1, 1, 1, 2, true, true, null],
      [2, 2, 1, 2, true, true, '1'],
      [5, 3, 1, 1, false, false, '2'],
      [3, 2, 2, 2, false, false, '1'],
      [9, 1, 2, 2, false, false, null],
    ])
  })

  it('hides a collapsed subtree and keeps one level when flat', () => {
    expect(treeRows(visibleRows(FAMILY, FILTER), false, (pid) => pid === 2).map((r) => r.pid)).toEqual([1, 2, 3, 9])
    expect(treeRows(visibleRows(FAMILY, FILTER), true, none).map((r) => [r.pid, r.level, r.posInSet, r.setSize])).toEqual([
      [1, 1, 1, 5],
      [2, 1, 2, 5],
      [3, 1, 3, 5],
      [5, 1, 4, 5],
      [9, 1, 5, 5],
    ])
  })

  it('cuts a ppid loop at its lowest pid, so no row is lost in it', () => {
    // 4 -> 6 -> 8 -> 4 (pid reuse without reparenting), 10 below 8.
    const loop = [row(4, 8), row(6, 4), row(8, 6), row(10, 8), row(12, 12)]
    const rows = treeRows(loop, false, none)
    expect(rows.map((r) => [r.pid, r.level])).toEqual([
      [4, 1],
      [6, 2],
      [8, 3],
      [10, 4],
      [12, 1],
    ])
  })

  it('walks a chain deeper than the call stack would allow', () => {
    const depth = 100_000
    const chain = Array.from({ length: depth }, (_, i) => row(i + 1, i))
    const rows = treeRows(chain, false, none)
    expect(rows).toHaveLength(depth)
    expect(rows.at(-1)).toMatchObject({ pid: depth, level: depth })
  })
})

describe('visibleRows', () => {
  it('keeps the ancestors of a text match in the tree, only the matches when flat', () => {
    expect(visibleRows(FAMILY, { ...FILTER, text: 'P5' }).map((r) => r.pid)).toEqual([1, 2, 5])
    expect(visibleRows(FAMILY, { ...FILTER, text: 'p5', flat: true }).map((r) => r.pid)).toEqual([5])
    expect(visibleRows(FAMILY, { ...FILTER, text: '/bin/p3' }).map((r) => r.pid)).toEqual([1, 3])
  })

  it('applies the chips without ancestors, and sorts', () => {
    expect(visibleRows(FAMILY, { ...FILTER, onlyLab: true }).map((r) => r.pid)).toEqual([9])
    expect(visibleRows(FAMILY, { ...FILTER, onlyZombies: true }).map((r) => r.pid)).toEqual([2])
    expect(visibleRows(FAMILY, { ...FILTER, user: 'me' }).map((r) => r.pid)).toEqual([1, 2, 3, 5])
    expect(visibleRows(FAMILY, { ...FILTER, sortDir: 'desc' }).map((r) => r.pid)).toEqual([9, 5, 3, 2, 1])
    const busy = [row(1, 0, { cpu: 3 }), row(2, 0, { cpu: 50 }), row(3, 0, { cpu: 3 })]
    expect(visibleRows(busy, { ...FILTER, sortKey: 'cpu', sortDir: 'desc' }).map((r) => r.pid)).toEqual([2, 1, 3])
  })
})

describe('orderRows', () => {
  it('merging from the last order gives what a full sort gives, sample after sample', () => {
    let seed = 3
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31)
    const log = new ChangeLog()
    const table = new ProcessTable()
    let rows: SystemProcess[] = Array.from({ length: 400 }, (_, i) => row(i + 1, 1, { cpu: i % 7, name: `n${i % 13}` }))
    let removed: SystemProcess[] = []
    let last: LastOrder | undefined
    let comebacks = 0
    const keys: SortKey[] = ['pid', 'cpu', 'cpu', 'name', 'name', 'rss', 'pid', 'threads']
    for (let sample = 0; sample < 60; sample++) {
      const kept = rows.filter(() => random() > 0.02)
      const dropped = rows.filter((r) => !kept.includes(r))
      // Some come back under their old pid (and so enter the table again), some are new.
      const back = removed.filter(() => random() < 0.3)
      rows = [...kept.map((r) => (random() < 0.1 ? { ...r, cpu: Math.floor(random() * 20), rss: r.rss + 1 } : r)), ...back, row(1000 + sample, 1)]
      removed = [...removed.filter((r) => !back.includes(r)), ...dropped]
      comebacks += back.length
      const change = table.apply(log.answer(rows, table.answerId ?? undefined))
      const vanished = change.vanished.map((p) => ({ ...p, vanished: true as const }))
      const sortKey = keys[Math.floor(sample / 8) % keys.length]!
      const sortDir = sample % 3 === 0 ? 'desc' : 'asc'
      const merged = orderRows(table, vanished, sortKey, sortDir, last)
      const full: SystemRow[] = [...table.values(), ...vanished].sort(compareRows(sortKey, sortDir))
      expect(merged.map((r) => `${r.pid}${r.vanished ? 'v' : ''}`)).toEqual(full.map((r) => `${r.pid}${r.vanished ? 'v' : ''}`))
      expect(merged.every((r) => r.vanished || table.get(r.pid) === r)).toBe(true)
      last = { rows: merged, serial: table.serial, sortKey, sortDir }
    }
    expect(comebacks).toBeGreaterThan(5)
  })
})

describe('ProcessHistories', () => {
  it('gives a value per sample from the points where it changed, at most `length` of them', () => {
    const histories = new ProcessHistories(4)
    const p = row(1, 0)
    histories.record([{ ...p, cpu: 1, memPercent: 10 }], [])
    histories.record([], []) // nothing changed in this sample
    histories.record([{ ...p, cpu: 3, memPercent: 10 }], [])
    expect(histories.of(p)).toEqual({ cpu: [1, 1, 3], mem: [10, 10, 10] })
    histories.record([], [])
    histories.record([{ ...p, cpu: 5, memPercent: 11 }], [])
    histories.record([], [])
    expect(histories.of(p)).toEqual({ cpu: [3, 3, 5, 5], mem: [10, 10, 11, 11] })
  })

  it('starts afresh for a reused pid and forgets a process that ended', () => {
    const histories = new ProcessHistories(10)
    histories.record([row(1, 0, { cpu: 7 })], [])
    histories.record([row(1, 0, { cpu: 2, startedAt: 5000 })], [])
    expect(histories.of(row(1, 0, { startedAt: 5000 }))).toEqual({ cpu: [2], mem: [0] })
    expect(histories.of(row(1, 0))).toBeNull()
    histories.record([], [1])
    expect(histories.of(row(1, 0, { startedAt: 5000 }))).toBeNull()
  })
})
