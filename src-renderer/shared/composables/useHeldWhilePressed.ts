import { computed, ref, watch, type ComputedRef, type Ref } from 'vue'
import { usePointerPress } from './usePointerPress'

/** Longest a press keeps the rows still: a click lasts a fraction of a second; dragging the scroll bar should not freeze the list. */
export const HOLD_MAX_MS = 3_000

/**
 * `rows()`, except that while a pointer is pressed inside `element` the list keeps the order it had
 * at the press. A click is a press and a release on the same element: if an update moved the rows in
 * between (a process started above the pressed one, or ended), the release would land on another row
 * and the browser would send the click to neither. The rows' values still update; only which row is
 * where waits for the release (or HOLD_MAX_MS).
 */
export function useHeldWhilePressed<T>(element: Ref<HTMLElement | null>, rows: () => T): ComputedRef<T> {
  const pressed = usePointerPress(element)
  const holding = ref(false)
  let cap: ReturnType<typeof setTimeout> | undefined
  watch(pressed, (now) => {
    clearTimeout(cap)
    holding.value = now
    if (now) cap = setTimeout(() => (holding.value = false), HOLD_MAX_MS)
  }, { flush: 'sync' })

  const live = computed(rows)
  let kept: { value: T } | null = null
  return computed(() => {
    if (holding.value && kept) return kept.value
    kept = { value: live.value }
    return kept.value
  })
}
