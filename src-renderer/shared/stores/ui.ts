import { defineStore } from 'pinia'
import { readStored, writeStored } from './storage'

export const THEMES = ['system', 'light', 'dark'] as const
export type Theme = (typeof THEMES)[number]

export const TAB_IDS = ['lab', 'timeline', 'system', 'sessions'] as const
export type TabId = (typeof TAB_IDS)[number]

const THEME_KEY = 'proclab.theme'
/** Long enough to read a short sentence, short enough not to linger over what comes next. */
const HINT_MS = 4_000
let hintTimer: ReturnType<typeof setTimeout> | null = null

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

/** How the shell looks and what it shows: theme, tab, the help overlay and the details drawer. */
export const useUiStore = defineStore('ui', {
  state: () => {
    const theme = savedTheme()
    applyTheme(theme)
    return {
      theme,
      activeTab: 'lab' as string,
      helpOpen: false,
      /** The Lab tab's details drawer; Esc closes it, Enter or a click on a row opens it again. */
      detailsOpen: true,
      /** Why the last shortcut did nothing; cleared after a few seconds. */
      keyHint: null as string | null,
    }
  },
  actions: {
    showKeyHint(text: string) {
      this.keyHint = text
      if (hintTimer) clearTimeout(hintTimer)
      hintTimer = setTimeout(() => (this.keyHint = null), HINT_MS)
    },
    setTheme(theme: Theme) {
      this.theme = theme
      applyTheme(theme)
      writeStored(THEME_KEY, theme)
    },
  },
})
