import { onScopeDispose, ref, type Ref } from 'vue'

const now = ref(Date.now())
let users = 0
let timer: ReturnType<typeof setInterval> | null = null

/** Date.now() as a ref that ticks while any component uses it: one timer for every live uptime. */
export function useNow(): Ref<number> {
  users++
  if (!timer) timer = setInterval(() => (now.value = Date.now()), 500)
  onScopeDispose(() => {
    users--
    if (users === 0 && timer) {
      clearInterval(timer)
      timer = null
    }
  })
  return now
}
