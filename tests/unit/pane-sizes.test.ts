// The Lab view's remembered pane sizes are read back from localStorage, where anything may be
// found: each share within its limits is kept, anything else gives that pane its initial share.
import { describe, expect, it } from 'vitest'
import { COMMAND_COLUMN, parseColumnWidth } from '../../src-renderer/features/system/columnWidth'
import { clampShare, initialPaneSizes, PANE_LIMITS, parsePaneSizes } from '../../src-renderer/features/lab/paneSizes'

describe('parsePaneSizes', () => {
  it('keeps shares within their limits, fractions included', () => {
    expect(parsePaneSizes('{"tree":63.5,"main":55}')).toEqual({ tree: 63.5, main: 55 })
    expect(parsePaneSizes(JSON.stringify({ tree: PANE_LIMITS.tree.min, main: PANE_LIMITS.main.max }))).toEqual({ tree: PANE_LIMITS.tree.min, main: PANE_LIMITS.main.max })
  })

  it('gives the initial share for what is out of range, not a number, or missing, pane by pane', () => {
    const initial = initialPaneSizes()
    expect(parsePaneSizes('{"tree":5,"main":99}')).toEqual(initial)
    expect(parsePaneSizes('{"tree":"50","main":null}')).toEqual(initial)
    expect(parsePaneSizes('{"tree":63}')).toEqual({ tree: 63, main: initial.main })
    expect(parsePaneSizes('{"tree":1e999,"main":60}')).toEqual({ tree: initial.tree, main: 60 })
  })

  it('gives the initial sizes for what is not an object of sizes', () => {
    for (const raw of ['', 'not json', '[50,70]', '50', 'null', '"tree"']) expect(parsePaneSizes(raw), raw).toEqual(initialPaneSizes())
  })

  it('starts every pane inside its limits', () => {
    for (const limits of Object.values(PANE_LIMITS)) {
      expect(limits.initial).toBeGreaterThanOrEqual(limits.min)
      expect(limits.initial).toBeLessThanOrEqual(limits.max)
    }
  })
})

describe('clampShare', () => {
  it('holds a share to its pane’s limits', () => {
    expect(clampShare('tree', -10)).toBe(PANE_LIMITS.tree.min)
    expect(clampShare('tree', 1000)).toBe(PANE_LIMITS.tree.max)
    expect(clampShare('main', 60)).toBe(60)
  })
})

describe('parseColumnWidth (the System table’s Command column)', () => {
  it('keeps a width within its limits and refuses anything else', () => {
    expect(parseColumnWidth('37.5')).toBe(37.5)
    expect(parseColumnWidth(String(COMMAND_COLUMN.min))).toBe(COMMAND_COLUMN.min)
    expect(parseColumnWidth(String(COMMAND_COLUMN.max))).toBe(COMMAND_COLUMN.max)
    for (const raw of ['', 'wide', 'NaN', 'Infinity', '-20', '0', String(COMMAND_COLUMN.max + 1), '{"rem":30}']) {
      expect(parseColumnWidth(raw), raw).toBeUndefined()
    }
  })
})
