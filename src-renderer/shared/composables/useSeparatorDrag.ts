import { ref, type Ref } from 'vue'

/**
 * Dragging a separator (PaneSplitter, ColumnResizer): the pointer is captured on press, each move
 * reports the value under the pointer (not worth remembering yet), and the release reports it as
 * done. `valueAt` gives null where the pointer says nothing (no room to share).
 */
export function useSeparatorDrag(
  handle: Ref<HTMLElement | null>,
  valueAt: (event: PointerEvent) => number | null,
  current: () => number,
  report: (value: number, done: boolean) => void,
) {
  const dragging = ref(false)

  function onPointerDown(event: PointerEvent) {
    if (event.button !== 0) return
    // No text selection while dragging; focus still moves here, so the keys go on from where it ends.
    event.preventDefault()
    handle.value?.focus()
    handle.value?.setPointerCapture(event.pointerId)
    dragging.value = true
  }

  function onPointerMove(event: PointerEvent) {
    if (!dragging.value) return
    const value = valueAt(event)
    if (value !== null) report(value, false)
  }

  function onPointerUp(event: PointerEvent) {
    if (!dragging.value) return
    dragging.value = false
    report(valueAt(event) ?? current(), true)
  }

  /** A drag the browser took over (a touch gesture, say) stays where it got to. */
  function onPointerCancel() {
    if (!dragging.value) return
    dragging.value = false
    report(current(), true)
  }

  return { dragging, onPointerDown, onPointerMove, onPointerUp, onPointerCancel }
}
