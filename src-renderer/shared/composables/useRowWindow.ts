import { useEventListener, useResizeObserver } from '@vueuse/core'
import { computed, onBeforeUnmount, onMounted, ref, watch, type Ref } from 'vue'
import { usePointerPress } from './usePointerPress'

/** Set on the scroller while it scrolls (see markScrolling); a view's CSS may turn its rows' pointer events off under it. */
export const SCROLLING_CLASS = 'scrolling'
const SCROLL_SETTLE_MS = 150

export interface RowWindowOptions {
  /** Rows in the whole list. */
  count: () => number
  /** Rows drawn beyond each edge of the viewport, so a quick scroll does not show blank space first. */
  overscan: number
  /** A row's height in px, given the root font size (rows sized in rem keep in step with text zoom). */
  rowHeight: (remPx: number) => number
  /** The scroller's rows sit under a sticky header (its <thead>), which takes that much of the viewport. */
  header?: boolean
  /** Follow the end as rows are added, as a terminal does, until the reader scrolls up; again once they scroll back down. */
  followEnd?: boolean
}

/**
 * The rows of a long list of same-height rows that are in (or near) a scroller's viewport, for a
 * list whose body is as tall as all its rows (the System tree, the output pane). With every row
 * the same height nothing needs measuring, so a scroll never forces a layout (a general-purpose
 * virtualiser measures the scroller and the rows, and did, on every scroll and keyboard step). The
 * window only changes when a row crosses an edge, and scrollToRow moves it at once, so the row is
 * in the DOM by the next tick. While following the end, the rows in view are known from the count
 * alone: a list that grows at every paint is drawn once per paint, not again when the scroll event
 * of its jump to the end arrives.
 */
export function useRowWindow(scroller: Ref<HTMLElement | null>, options: RowWindowOptions) {
  const rowHeight = ref(options.rowHeight(16))
  const headerHeight = ref(options.header ? rowHeight.value : 0)
  const viewportHeight = ref(640)
  const scrollTop = ref(0)
  const following = ref(options.followEnd === true)

  const bodyHeight = computed(() => Math.max(0, viewportHeight.value - headerHeight.value))
  const totalHeight = computed(() => options.count() * rowHeight.value)
  /** The scroll offset that shows the last rows. */
  const endTop = computed(() => Math.max(0, totalHeight.value - bodyHeight.value))
  const top = computed(() => (following.value ? endTop.value : Math.min(scrollTop.value, endTop.value)))

  /** First and last row in view at scroll offset `at`. */
  function inView(at: number): { firstVisible: number; lastVisible: number } {
    const h = rowHeight.value
    return { firstVisible: Math.floor(at / h), lastVisible: Math.ceil((at + bodyHeight.value) / h) - 1 }
  }

  /** First and last row index drawn (last < first when the list is empty). */
  const range = computed(() => {
    const { firstVisible, lastVisible } = inView(top.value)
    return { first: Math.max(0, firstVisible - options.overscan), last: Math.min(options.count() - 1, lastVisible + options.overscan) }
  })

  /** Rows a page key moves by: the rows that fit under the header, less one for context. */
  const pageRows = computed(() => Math.max(1, Math.floor(bodyHeight.value / rowHeight.value) - 1))

  /** Brings row `index` into view (as 'auto' does: only if it is not, and by as little as needed). */
  function scrollToRow(index: number): void {
    const el = scroller.value
    if (!el || index < 0) return
    const current = el.scrollTop
    const rowTop = index * rowHeight.value
    let target = current
    if (rowTop < current) target = rowTop
    else if (rowTop + rowHeight.value > current + bodyHeight.value) target = rowTop + rowHeight.value - bodyHeight.value
    if (target === current) return
    el.scrollTop = target
    // The scroll event comes later; the window moves now, so the row is drawn in this tick.
    scrollTop.value = Math.max(0, Math.min(target, endTop.value))
    if (options.followEnd) following.value = scrollTop.value >= endTop.value - rowHeight.value
  }

  // A list that follows its end: once the new rows are in the DOM (the browser clamps scrollTop to
  // the content it has), jump to it.
  if (options.followEnd) {
    watch(
      endTop,
      (end) => {
        const el = scroller.value
        if (el && following.value && el.scrollTop !== end) el.scrollTop = end
      },
      { flush: 'post' },
    )
  }

  /**
   * While the list scrolls under a still pointer (the wheel), rows need not take the pointer: rows
   * moving under it would otherwise change :hover on every frame (a quarter of the style work of a
   * System tree scroll step). SCROLLING_CLASS is on the scroller until SCROLL_SETTLE_MS after the
   * last scroll event.
   */
  let settleTimer: ReturnType<typeof setTimeout> | null = null
  /**
   * A pointer that moves or is pressed means the user is reaching for a row, not reading the scroll:
   * the rows take the pointer again at once. While it is pressed, a scroll (one that brings the row
   * into view as the press happens, by a user or a test) does not take it away: the press would land
   * on the row and the release on the table under it, and the browser would make no click of them.
   */
  const pressed = usePointerPress(scroller)
  function onPointerActive(): void {
    const el = scroller.value
    if (!el || settleTimer === null) return
    clearTimeout(settleTimer)
    settleTimer = null
    el.classList.remove(SCROLLING_CLASS)
  }
  function markScrolling(el: HTMLElement): void {
    if (pressed.value) return
    if (settleTimer === null) el.classList.add(SCROLLING_CLASS)
    else clearTimeout(settleTimer)
    settleTimer = setTimeout(() => {
      settleTimer = null
      el.classList.remove(SCROLLING_CLASS)
    }, SCROLL_SETTLE_MS)
  }

  function onScroll(): void {
    const el = scroller.value
    if (!el) return
    markScrolling(el)
    const at = el.scrollTop
    // A reader a row short of the end is still reading the end.
    if (options.followEnd) following.value = at >= endTop.value - rowHeight.value
    // Only a row crossing an edge changes the window; smaller moves need no work at all.
    const now = inView(at)
    const before = inView(scrollTop.value)
    if (now.firstVisible !== before.firstVisible || now.lastVisible !== before.lastVisible) scrollTop.value = at
  }

  function measure(): void {
    const el = scroller.value
    if (!el) return
    rowHeight.value = options.rowHeight(parseFloat(getComputedStyle(document.documentElement).fontSize) || 16)
    viewportHeight.value = el.clientHeight || viewportHeight.value
    headerHeight.value = options.header ? el.querySelector('thead')?.getBoundingClientRect().height || rowHeight.value : 0
    scrollTop.value = el.scrollTop
  }
  onMounted(measure)
  useEventListener(scroller, 'scroll', onScroll, { passive: true })
  useEventListener(scroller, 'pointermove', onPointerActive, { passive: true })
  // Capture: the scroller hears of a press before the row under it does.
  useEventListener(scroller, 'pointerdown', onPointerActive, { capture: true, passive: true })
  useResizeObserver(scroller, measure)
  onBeforeUnmount(() => {
    if (settleTimer !== null) clearTimeout(settleTimer)
  })

  return { range, rowHeight, pageRows, totalHeight, scrollToRow }
}
