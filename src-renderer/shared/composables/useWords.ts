import { computed, type ComputedRef } from 'vue'
import { useI18n } from 'vue-i18n'

/**
 * The translations of `keys` (messages without placeholders), looked up once per language instead
 * of at every render. A t() call resolves and formats its message each time (tens of µs); the views
 * that render at every paint under a flood (the Lab tree, the output pane, a queue's card) spent a
 * quarter of their render time looking up the same few words.
 */
export function useWords<K extends string>(keys: Record<K, string>): ComputedRef<Record<K, string>> {
  const { t } = useI18n()
  // t() reads the current locale, so a language switch recomputes this.
  return computed(() => Object.fromEntries(Object.entries<string>(keys).map(([name, key]) => [name, t(key)])) as Record<K, string>)
}
