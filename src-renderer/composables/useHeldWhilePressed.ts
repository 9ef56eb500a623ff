import { computed, onBeforeUnmount, onMounted, ref, type ComputedRef, type Ref } from 'vue'

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
  const pressed = ref(false)
  const live = computed(rows)
  let kept: { value: T } | null = null
  const shown = computed(() => {
    if (pressed.value && kept) return kept.value
    kept = { value: live.value }
    return kept.value
  })

  let cap: ReturnType<typeof setTimeout> | undefined
  const release = () => {
    clearTimeout(cap)
    pressed.value = false
  }
  const onUp = () => {
    window.removeEventListener('pointerup', onUp, true)
    window.removeEventListener('pointercancel', onUp, true)
    // The click follows pointerup in the same task: it reaches the pressed row before the rows move.
    setTimeout(release, 0)
  }
  const onDown = () => {
    // Sets `kept` to the order on screen: renders run before the next input event, so `live` is what was drawn.
    if (!pressed.value) void shown.value
    pressed.value = true
    clearTimeout(cap)
    cap = setTimeout(release, HOLD_MAX_MS)
    // On the window: the release may happen outside the list (a drag that left it).
    window.addEventListener('pointerup', onUp, true)
    window.addEventListener('pointercancel', onUp, true)
  }
  onMounted(() => element.value?.addEventListener('pointerdown', onDown, true))
  onBeforeUnmount(() => {
    element.value?.removeEventListener('pointerdown', onDown, true)
    onUp()
  })
  return shown
}
