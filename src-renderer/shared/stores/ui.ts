import { useTimeoutFn } from '@vueuse/core'
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { readStored, writeStored } from './storage'

export const THEMES = ['system', 'light', 'dark'] as const
export type Theme = (typeof THEMES)[number]

export const TAB_IDS = ['lab', 'timeline', 'system', 'sessions'] as const
export type TabId = (typeof TAB_IDS)[number]

const THEME_KEY = 'proclab.theme'
/** Long enough to read a short sentence, short enough not to linger over what comes next. */
const HINT_MS = 4_000

function isTheme(value: unknown): value is Theme {
  return typeof value === 'string' && (THEMES as readonly string[]).includes(value)
}

/** The remembered theme; none (or storage unavailable): follow the OS. */
function savedTheme(): Theme {
  return readStored(THEME_KEY, (raw) => (isTheme(raw) ? raw : undefined), 'system')
}

/**
 * "system" leaves <html> without data-theme, so the stylesheet follows prefers-color-scheme;
 * light and dark pin it. The stylesheet keys off the attribute only, so nothing else needs to know.
 */
export function applyTheme(theme: Theme): void {
  if (theme === 'system') delete document.documentElement.dataset.theme
  else document.documentElement.dataset.theme = theme
}

/**
 * How the shell looks and what it shows: theme, tab, the help overlay and the details drawer. A setup
 * store so that the key hint's timer belongs to the store: each Pinia has its own, and `$dispose`
 * stops it (the timer is made inside the store's effect scope).
 */
export const useUiStore = defineStore('ui', () => {
  const theme = ref<Theme>(savedTheme())
  applyTheme(theme.value)
  const activeTab = ref<string>('lab')
  const helpOpen = ref(false)
  /** The Lab tab's details drawer; Esc closes it, Enter or a click on a row opens it again. */
  const detailsOpen = ref(true)
  /** Why the last shortcut did nothing; cleared after a few seconds. */
  const keyHint = ref<string | null>(null)
  const hintTimer = useTimeoutFn(() => (keyHint.value = null), HINT_MS, { immediate: false })

  function showKeyHint(text: string) {
    keyHint.value = text
    // start() restarts: the newest hint gets its full few seconds.
    hintTimer.start()
  }
  function setTheme(next: Theme) {
    theme.value = next
    applyTheme(next)
    writeStored(THEME_KEY, next)
  }
  return { theme, activeTab, helpOpen, detailsOpen, keyHint, showKeyHint, setTheme }
})
