// Text in English and 简体中文. Each area of the UI keeps its messages in its own file under
// messages/ (one owner per file); they are merged here under the area's name, so a key reads
// `t('timeline.zoomIn')`. The OS language picks the default; the user's choice is remembered.
import { createI18n } from 'vue-i18n'
import { messages as app } from './messages/app'
import { messages as editor } from './messages/editor'
import { messages as lab } from './messages/lab'
import { messages as objects } from './messages/objects'
import { messages as sessions } from './messages/sessions'
import { messages as system } from './messages/system'
import { messages as timeline } from './messages/timeline'
import type { AreaMessages, MessageTree } from './types'

export const LOCALES = ['en', 'zh'] as const
export type Locale = (typeof LOCALES)[number]

type Messages = Record<string, MessageTree>

const AREAS = { app, editor, lab, objects, sessions, system, timeline } satisfies Record<string, AreaMessages>

function localeMessages(locale: Locale): Messages {
  return Object.fromEntries(Object.entries(AREAS).map(([area, m]) => [area, m[locale]]))
}

const STORAGE_KEY = 'proclab.locale'

function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value)
}

/** The remembered choice, else the OS (browser) language: any Chinese variant means 简体中文. */
export function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY)
    if (isLocale(saved)) return saved
  } catch {
    // Storage can be unavailable (privacy settings); the OS language still decides.
  }
  return osLocale()
}

/** The OS (browser) language: any Chinese variant means 简体中文. */
function osLocale(): Locale {
  const languages = navigator.languages?.length ? navigator.languages : [navigator.language]
  return languages.some((l) => l.toLowerCase().startsWith('zh')) ? 'zh' : 'en'
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'en',
  // Chinese has one form for every count: "{n} 行". (The default rule would pick a third form.)
  pluralRules: { zh: () => 0 },
  messages: { en: localeMessages('en'), zh: localeMessages('zh') } as Record<string, Messages>,
})

/** The language the UI shows now. */
export function currentLocale(): Locale {
  const value = (i18n.global.locale as unknown as { value: string }).value
  return isLocale(value) ? value : 'en'
}

/** Switches the whole UI, the page's lang attribute included (screen readers pick voices by it). */
export function setLocale(locale: Locale): void {
  ;(i18n.global.locale as unknown as { value: string }).value = locale
  document.documentElement.lang = locale === 'zh' ? 'zh-CN' : 'en'
  // Only a choice that differs from the OS is remembered, so someone who never chose keeps
  // following the OS language when it changes.
  try {
    if (locale === osLocale()) localStorage.removeItem(STORAGE_KEY)
    else localStorage.setItem(STORAGE_KEY, locale)
  } catch {
    // Not remembered, still switched.
  }
}
