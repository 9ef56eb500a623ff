import { computed, nextTick, ref, type Ref } from 'vue'

export interface TreeGridRowInfo {
  key: string
  parentKey: string | null
  hasChildren: boolean
  expanded: boolean
}

export interface TreeGridOptions {
  /** The visible rows, top to bottom. */
  rows: () => readonly TreeGridRowInfo[]
  setExpanded: (key: string, expanded: boolean) => void
  /** Selection follows focus: the details panel shows the row you are on. */
  select: (key: string) => void
  /**
   * Virtualised grids: bring row `index` into the rendered window and into view before it is
   * focused (only rendered rows exist in the DOM). Without it, the browser's focus scrolling does.
   */
  scrollToRow?: (index: number) => void
  /** Rows a PageUp/PageDown moves by; default 10. A virtualised grid passes the rows on screen. */
  pageSize?: () => number
}

const PAGE = 10
/** Frames to wait for a virtualised row to be rendered after scrolling to it. */
const RENDER_WAIT_FRAMES = 10

function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()))
}

/**
 * Keyboard model of the WAI-ARIA treegrid pattern, for a <table role="treegrid"> whose rows carry
 * data-row-key. One row is in the tab order (roving tabindex); arrows move between rows, Right/Left
 * expand, collapse, go to the parent, or step through the row's buttons (which stay out of the tab
 * order, so Tab does not crawl through hundreds of Kill buttons).
 */
export function useTreeGrid(table: Ref<HTMLElement | null>, options: TreeGridOptions) {
  const focusedKey = ref<string | null>(null)

  /**
   * The row in the tab order: the focused one while it is still there, else the first. Computed once
   * per change of rows or focus, not per row drawn (a scan of 10,000 rows per row would not do).
   */
  const currentKey = computed<string | null>(() => {
    const rows = options.rows()
    const focused = focusedKey.value
    return focused !== null && rows.some((r) => r.key === focused) ? focused : (rows[0]?.key ?? null)
  })

  function tabIndexFor(key: string): 0 | -1 {
    return key === currentKey.value ? 0 : -1
  }

  function rowElement(key: string): HTMLElement | null {
    return table.value?.querySelector<HTMLElement>(`tr[data-row-key="${CSS.escape(key)}"]`) ?? null
  }

  async function focusRow(key: string): Promise<void> {
    focusedKey.value = key
    options.select(key)
    if (options.scrollToRow) options.scrollToRow(options.rows().findIndex((r) => r.key === key))
    await nextTick()
    let el = rowElement(key)
    for (let i = 0; !el && options.scrollToRow && i < RENDER_WAIT_FRAMES; i++) {
      await nextFrame()
      el = rowElement(key)
    }
    // Already scrolled into view (below the sticky header) by scrollToRow; the browser's own
    // focus scrolling would put it under the header.
    el?.focus({ preventScroll: options.scrollToRow !== undefined })
  }

  function onRowFocus(key: string): void {
    if (focusedKey.value !== key) {
      focusedKey.value = key
      options.select(key)
    }
  }

  function onKeydown(event: KeyboardEvent): void {
    const target = event.target as HTMLElement
    const rowEl = target.closest<HTMLElement>('tr[data-row-key]')
    if (!rowEl) return
    const key = rowEl.dataset.rowKey as string
    const rows = options.rows()
    const index = rows.findIndex((r) => r.key === key)
    const row = rows[index]
    if (!row) return
    const onRow = target === rowEl
    const cellControls = Array.from(rowEl.querySelectorAll<HTMLElement>('button:not([disabled])'))
    const controlIndex = cellControls.indexOf(target)

    const page = Math.max(1, options.pageSize?.() ?? PAGE)
    const moveTo = (i: number) => {
      const next = rows[Math.max(0, Math.min(rows.length - 1, i))]
      if (next) void focusRow(next.key)
    }

    switch (event.key) {
      case 'ArrowDown':
        moveTo(index + 1)
        break
      case 'ArrowUp':
        moveTo(index - 1)
        break
      case 'PageDown':
        moveTo(index + page)
        break
      case 'PageUp':
        moveTo(index - page)
        break
      case 'Home':
        if (!onRow) return
        moveTo(0)
        break
      case 'End':
        if (!onRow) return
        moveTo(rows.length - 1)
        break
      case 'ArrowRight':
        if (onRow && row.hasChildren && !row.expanded) options.setExpanded(key, true)
        else if (onRow) cellControls[0]?.focus()
        else cellControls[controlIndex + 1]?.focus()
        break
      case 'ArrowLeft':
        if (!onRow) {
          if (controlIndex > 0) cellControls[controlIndex - 1]?.focus()
          else rowEl.focus()
        } else if (row.hasChildren && row.expanded) options.setExpanded(key, false)
        else if (row.parentKey !== null) void focusRow(row.parentKey)
        break
      case 'Enter':
      case ' ':
        if (!onRow) return // the button does its own thing
        if (row.hasChildren) options.setExpanded(key, !row.expanded)
        else options.select(key)
        break
      default:
        return
    }
    event.preventDefault()
  }

  return { focusedKey, currentKey, tabIndexFor, onKeydown, onRowFocus, focusRow }
}
