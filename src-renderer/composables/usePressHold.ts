import { onBeforeUnmount, onMounted, type Ref } from 'vue'

export interface PressHold {
  /** A pointer went down inside the element. */
  hold: () => void
  /** That press is over, and its click (if it made one) has been delivered. */
  release: () => void
}

/**
 * Tells a list when a pointer is pressed inside it. A click is a press and a release on the same
 * element: if a new sample moves the rows in between (a process started above, one ended), the
 * release lands on another row and the browser sends the click to neither. A list that holds its
 * rows still from press to release never loses a click that way.
 */
export function usePressHold(element: Ref<HTMLElement | null>, { hold, release }: PressHold): void {
  let pressed = false
  const onUp = () => {
    if (!pressed) return
    pressed = false
    window.removeEventListener('pointerup', onUp, true)
    window.removeEventListener('pointercancel', onUp, true)
    // The click follows pointerup in the same task: let it reach the row that was pressed first.
    setTimeout(release, 0)
  }
  const onDown = () => {
    if (pressed) return
    pressed = true
    hold()
    // On the window: the release may happen outside the list (a drag that left it).
    window.addEventListener('pointerup', onUp, true)
    window.addEventListener('pointercancel', onUp, true)
  }
  onMounted(() => element.value?.addEventListener('pointerdown', onDown, true))
  onBeforeUnmount(() => {
    element.value?.removeEventListener('pointerdown', onDown, true)
    onUp()
  })
}
