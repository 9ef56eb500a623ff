// The one tree walk behind the Lab tree, the System tab and `proclab ps --tree` (src-shared/tree-order.ts),
// seen through the Lab tree's flattenTree (string keys, parents that come and go).
import { describe, expect, it } from 'vitest'
import { flattenTree } from '../../src-renderer/features/lab/runModel'

interface Item {
  lid: string
  parentLid: string | null
}
const item = (lid: string, parentLid: string | null): Item => ({ lid, parentLid })
const rows = (items: Item[], collapsed: string[] = []) =>
  flattenTree(
    items,
    (i) => i.lid,
    (i) => i.parentLid,
    (lid) => collapsed.includes(lid),
  ).map((r) => [r.key, r.level, r.posInSet, r.setSize, r.parentKey, r.hasChildren, r.expanded])

describe('flattenTree (the Lab tree)', () => {
  it('nests by parent, siblings in the given order, with ARIA positions; an unknown parent makes a root', () => {
    expect(rows([item('main', null), item('a', 'main'), item('b', 'main'), item('a1', 'a'), item('lost', 'gone')])).toEqual([
      ['main', 1, 1, 2, null, true, true],
      ['a', 2, 1, 2, 'main', true, true],
      ['a1', 3, 1, 1, 'a', false, false],
      ['b', 2, 2, 2, 'main', false, false],
      ['lost', 1, 2, 2, null, false, false],
    ])
  })

  it('hides a collapsed subtree, and keeps every item of a parent loop (cut at the earliest)', () => {
    expect(rows([item('main', null), item('a', 'main'), item('a1', 'a')], ['a']).map((r) => r[0])).toEqual(['main', 'a'])
    expect(rows([item('x', 'z'), item('y', 'x'), item('z', 'y'), item('self', 'self')]).map((r) => [r[0], r[1]])).toEqual([
      ['x', 1],
      ['y', 2],
      ['z', 3],
      ['self', 1],
    ])
  })

  it('walks a chain deeper than the call stack would allow', () => {
    const chain = Array.from({ length: 100_000 }, (_, i) => item(`p${i}`, i === 0 ? null : `p${i - 1}`))
    const out = rows(chain)
    expect(out).toHaveLength(100_000)
    expect(out.at(-1)?.[1]).toBe(100_000)
  })
})
