import { createSharedComposable, useIntervalFn, useTimestamp } from '@vueuse/core'

/** Often enough for a seconds display to look live, rarely enough to cost nothing. */
const TICK_MS = 500

/**
 * Date.now() as a ref that ticks while any component uses it: one timer for every live uptime, made
 * with the first user and stopped with the last (no state outlives its users).
 */
export const useNow = createSharedComposable(() => useTimestamp({ scheduler: (tick) => useIntervalFn(tick, TICK_MS) }))
