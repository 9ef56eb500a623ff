import { onScopeDispose, ref, type Ref } from 'vue'

/** False while the window is minimised or its browser tab is in the background. */
export function usePageVisible(): Ref<boolean> {
  const visible = ref(document.visibilityState !== 'hidden')
  const update = () => (visible.value = document.visibilityState !== 'hidden')
  document.addEventListener('visibilitychange', update)
  onScopeDispose(() => document.removeEventListener('visibilitychange', update))
  return visible
}
