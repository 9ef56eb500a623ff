import { computed, onBeforeUnmount, onMounted, ref, watch, type Ref } from 'vue'

/**
 * Rows of one fixed height in a scroller, of which only those in view are drawn, following the end
 * as rows are added (as a terminal does) until the reader scrolls up, and again once they scroll
 * back down. A general virtualiser learns where the view is from the scroll event that follows
 * each jump to the end, and draws again then: under a flood of output that is two renders and two
 * layouts per frame. Here, while following, the rows in view are known from the count alone, and
 * nothing reads layout back.
 */
export function useTailRows(scroller: Ref<HTMLElement | null>, count: Ref<number>, rowPx: number, overscan = 4) {
  const viewportPx = ref(0)
  const scrollTop = ref(0)
  const following = ref(true)
  const totalPx = computed(() => count.value * rowPx)
  const bottomTop = computed(() => Math.max(0, totalPx.value - viewportPx.value))
  const top = computed(() => (following.value ? bottomTop.value : Math.min(scrollTop.value, bottomTop.value)))
  // Numbers, so a frame that moves nothing in view renders nothing.
  const first = computed(() => Math.max(0, Math.floor(top.value / rowPx) - overscan))
  const end = computed(() => Math.min(count.value, Math.ceil((top.value + viewportPx.value) / rowPx) + overscan))

  /** A little slack: a reader a few pixels short of the end is still reading the end. */
  const SLACK_PX = rowPx
  function onScroll() {
    const el = scroller.value
    if (!el) return
    scrollTop.value = el.scrollTop
    following.value = el.scrollTop >= bottomTop.value - SLACK_PX
  }

  // After the new rows are in the DOM: the browser clamps scrollTop to the content it has.
  watch(
    bottomTop,
    (bottom) => {
      const el = scroller.value
      if (el && following.value && el.scrollTop !== bottom) el.scrollTop = bottom
    },
    { flush: 'post' },
  )

  let resize: ResizeObserver | null = null
  onMounted(() => {
    const el = scroller.value
    if (!el) return
    viewportPx.value = el.clientHeight
    resize = new ResizeObserver(() => (viewportPx.value = el.clientHeight))
    resize.observe(el)
    el.addEventListener('scroll', onScroll, { passive: true })
  })
  onBeforeUnmount(() => {
    resize?.disconnect()
    scroller.value?.removeEventListener('scroll', onScroll)
  })

  return { first, end, totalPx, following }
}
