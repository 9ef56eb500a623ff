// The languages a lab run can be asked to print in. The UI's language travels with run.start, the
// host hands it to every lab process as PROCLAB_LANG, and lab scripts read it as `lang` from
// 'proclab'. No imports: every lab process loads this.

export const LAB_LANGUAGES = ['en', 'zh'] as const
export type LabLanguage = (typeof LAB_LANGUAGES)[number]

/** The environment variable that carries the run's language to its lab processes. */
export const LANGUAGE_ENV = 'PROCLAB_LANG'

export function isLabLanguage(value: unknown): value is LabLanguage {
  return typeof value === 'string' && (LAB_LANGUAGES as readonly string[]).includes(value)
}

/** A language as given (PROCLAB_LANG, --lang): one of LAB_LANGUAGES exactly, anything else English. */
export function labLanguage(value: unknown): LabLanguage {
  return isLabLanguage(value) ? value : 'en'
}

/**
 * The language of a POSIX locale name or a BCP 47 tag ("zh_CN.UTF-8", "zh-Hans", "en_US"): any
 * Chinese one means 'zh', anything else (C, POSIX, unset) 'en'.
 */
export function languageOfLocale(locale: string | undefined): LabLanguage {
  return /^zh(?:[-_.@]|$)/i.test(locale ?? '') ? 'zh' : 'en'
}
