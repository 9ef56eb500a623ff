import { computed, onBeforeUnmount, onMounted, ref, type Ref } from 'vue'

/** Set on the scroller while its wheel turns (see markScrolling); system.css turns the rows' pointer events off under it. */
export const SCROLLING_CLASS = 'scrolling'
const SCROLL_SETTLE_MS = 150

export interface RowWindowOptions {
  /** Rows in the whole list. */
  count: () => number
  /** Rows drawn beyond each edge of the viewport, so a quick scroll does not show blank space first. */
  overscan: number
}

/**
 * The rows of a long list of same-height rows that are in (or near) a scroller's viewport, for a
 * table whose body is as tall as all its rows and whose sticky header sits at the scroller's top.
 * Made for the System tree: with every row the same height, nothing needs measuring, so a scroll
 * never forces a layout (a general-purpose virtualiser measures the scroller and the rows, and did
 * here, on every scroll and every keyboard step). The window only changes when a row crosses an
 * edge, and scrollToRow moves it at once, so the row is in the DOM by the next tick.
 */
export function useSystemRowWindow(scroller: Ref<HTMLElement | null>, options: RowWindowOptions) {
  /** Row height in px: the CSS gives rows 2rem, so text zoom keeps them in step. */
  const rowHeight = ref(32)
  const headerHeight = ref(32)
  const viewportHeight = ref(640)
  const scrollTop = ref(0)

  /** First and last row in view at scroll offset `top`. */
  function inView(top: number): { firstVisible: number; lastVisible: number } {
    const h = rowHeight.value
    return { firstVisible: Math.floor(top / h), lastVisible: Math.ceil((top + viewportHeight.value - headerHeight.value) / h) - 1 }
  }

  /** First and last row index drawn (last < first when the list is empty). */
  const range = computed(() => {
    const { firstVisible, lastVisible } = inView(scrollTop.value)
    return { first: Math.max(0, firstVisible - options.overscan), last: Math.min(options.count() - 1, lastVisible + options.overscan) }
  })

  /** Rows a page key moves by: the rows that fit under the header, less one for context. */
  const pageRows = computed(() => Math.max(1, Math.floor((viewportHeight.value - headerHeight.value) / rowHeight.value) - 1))
  const totalHeight = computed(() => options.count() * rowHeight.value)

  /** Brings row `index` into view (as 'auto' does: only if it is not, and by as little as needed). */
  function scrollToRow(index: number): void {
    const el = scroller.value
    if (!el || index < 0) return
    const current = el.scrollTop
    const top = index * rowHeight.value
    const visibleBody = viewportHeight.value - headerHeight.value
    let target = current
    if (top < current) target = top
    else if (top + rowHeight.value > current + visibleBody) target = top + rowHeight.value - visibleBody
    if (target === current) return
    el.scrollTop = target
    // The scroll event comes later; the window moves now, so the row is drawn in this tick.
    scrollTop.value = Math.max(0, Math.min(target, totalHeight.value + headerHeight.value - viewportHeight.value))
  }

  /**
   * While the wheel turns, rows do not take the pointer: rows moving under a still pointer would
   * otherwise change :hover on every frame, which measured ~15 % of a wheel step's work. A click
   * lands again SCROLL_SETTLE_MS after the last wheel event. Only the wheel: a scroll into view
   * (keyboard, a click's own scrollIntoView, automation) must leave the rows clickable at once.
   */
  let settleTimer: ReturnType<typeof setTimeout> | null = null
  function markScrolling(el: HTMLElement): void {
    if (settleTimer === null) el.classList.add(SCROLLING_CLASS)
    else clearTimeout(settleTimer)
    settleTimer = setTimeout(() => {
      settleTimer = null
      el.classList.remove(SCROLLING_CLASS)
    }, SCROLL_SETTLE_MS)
  }

  function onWheel(): void {
    if (scroller.value) markScrolling(scroller.value)
  }

  function onScroll(): void {
    const top = scroller.value?.scrollTop ?? 0
    // Only a row crossing an edge changes the window; smaller moves need no work at all.
    const now = inView(top)
    const before = inView(scrollTop.value)
    if (now.firstVisible !== before.firstVisible || now.lastVisible !== before.lastVisible) scrollTop.value = top
  }

  let resizeObserver: ResizeObserver | null = null
  function measure(): void {
    const el = scroller.value
    if (!el) return
    const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16
    rowHeight.value = Math.round(2 * rem)
    viewportHeight.value = el.clientHeight || viewportHeight.value
    headerHeight.value = el.querySelector('thead')?.getBoundingClientRect().height || rowHeight.value
    scrollTop.value = el.scrollTop
  }
  onMounted(() => {
    const el = scroller.value
    if (!el) return
    measure()
    el.addEventListener('scroll', onScroll, { passive: true })
    el.addEventListener('wheel', onWheel, { passive: true })
    resizeObserver = new ResizeObserver(measure)
    resizeObserver.observe(el)
  })
  onBeforeUnmount(() => {
    if (settleTimer !== null) clearTimeout(settleTimer)
    resizeObserver?.disconnect()
    scroller.value?.removeEventListener('scroll', onScroll)
    scroller.value?.removeEventListener('wheel', onWheel)
  })

  return { range, rowHeight, pageRows, totalHeight, scrollToRow }
}
