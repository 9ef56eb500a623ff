import { onBeforeUnmount, onMounted, readonly, ref, type Ref } from 'vue'

/**
 * Whether a pointer is pressed inside `element`: from its pointerdown until the pointerup (wherever
 * it happens: a drag may leave the element) and the click that follows it.
 */
export function usePointerPress(element: Ref<HTMLElement | null>): Readonly<Ref<boolean>> {
  const pressed = ref(false)
  const onUp = () => {
    window.removeEventListener('pointerup', onUp, true)
    window.removeEventListener('pointercancel', onUp, true)
    // The click follows pointerup in the same task: it is delivered while this still says pressed.
    setTimeout(() => (pressed.value = false), 0)
  }
  const onDown = () => {
    pressed.value = true
    window.addEventListener('pointerup', onUp, true)
    window.addEventListener('pointercancel', onUp, true)
  }
  onMounted(() => element.value?.addEventListener('pointerdown', onDown, true))
  onBeforeUnmount(() => {
    element.value?.removeEventListener('pointerdown', onDown, true)
    onUp()
  })
  return readonly(pressed)
}
