// The Timeline's and the shared-object panels' messages: English and 简体中文 have the same keys,
// and every message compiles (vue-i18n reads { } | @ as syntax: a stray one breaks a string).
import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import { messages as objects } from '../../src-renderer/shared/i18n/messages/objects'
import { messages as timeline } from '../../src-renderer/shared/i18n/messages/timeline'
import type { MessageTree } from '../../src-renderer/shared/i18n/types'

function keys(tree: MessageTree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) => (typeof value === 'string' ? [`${prefix}${key}`] : keys(value, `${prefix}${key}.`)))
}

function leaves(tree: MessageTree): string[] {
  return Object.values(tree).flatMap((value) => (typeof value === 'string' ? [value] : leaves(value)))
}

/** Placeholders in a message, sorted: both languages must fill in the same values. */
function placeholders(message: string): string[] {
  return [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort()
}

describe.each([
  ['timeline', timeline],
  ['objects', objects],
])('%s messages', (area, messages) => {
  it('have the same keys in English and Chinese', () => {
    expect(keys(messages.zh).sort()).toEqual(keys(messages.en).sort())
    expect(keys(messages.en).length).toBeGreaterThan(10)
  })

  it('use the same placeholders in both languages', () => {
    const en = keys(messages.en)
    const zhLeaves = new Map(keys(messages.zh).map((k, i) => [k, leaves(messages.zh)[i]!]))
    en.forEach((key, i) => expect(placeholders(zhLeaves.get(key) ?? ''), key).toEqual(placeholders(leaves(messages.en)[i]!)))
  })

  it('compile and render with their values', () => {
    const errors: string[] = []
    const i18n = createI18n({ legacy: false, locale: 'en', messages: { en: { [area]: messages.en }, zh: { [area]: messages.zh } }, missingWarn: false, fallbackWarn: false, warnHtmlMessage: false })
    const { t } = i18n.global
    for (const locale of ['en', 'zh'] as const) {
      i18n.global.locale.value = locale
      for (const key of keys(messages.en)) {
        try {
          const text = t(`${area}.${key}`, { n: 2, name: 'x', lock: 'l', from: '1', to: '2', duration: '3', outcome: 'o', object: 'q', value: 1, text: 't', time: '0', what: 'w', count: 1, pid: 1, life: 'l', code: 0, signal: 'SIGTERM', total: '1 B', slots: 1, other: 1, max: 10, depth: 0, peak: 1, bound: 'b', full: '', share: '5%', lid: 'L1' }, 2)
          if (text.includes('{') || text === `${area}.${key}`) errors.push(`${locale} ${key}: ${text}`)
        } catch (error) {
          errors.push(`${locale} ${key}: ${String(error)}`)
        }
      }
    }
    expect(errors).toEqual([])
  })
})
