// The language values the lab takes: only the known ones as they are, anything else English; and a
// terminal's locale read as POSIX names it.
import { describe, expect, it } from 'vitest'
import { commandSchemas } from '../../src-shared/contract'
import { labLanguage, languageOfLocale } from '../../src-shared/language'

describe('lab language', () => {
  it('takes en and zh, and makes anything else English', () => {
    expect(labLanguage('zh')).toBe('zh')
    expect(labLanguage('en')).toBe('en')
    for (const other of ['ZH', 'zh-CN', 'fr', '', ' zh', undefined, null, 1]) expect(labLanguage(other)).toBe('en')
  })

  it('reads a Chinese locale in any spelling as zh, anything else as en', () => {
    for (const zh of ['zh_CN.UTF-8', 'zh_TW', 'zh', 'zh-Hans', 'zh_CN@pinyin', 'ZH_cn']) expect(languageOfLocale(zh)).toBe('zh')
    for (const en of ['en_US.UTF-8', 'C.UTF-8', 'C', 'POSIX', '', undefined, 'zhx', 'de_DE']) expect(languageOfLocale(en)).toBe('en')
  })

  it('run.start takes a known language only', () => {
    const schema = commandSchemas['run.start']
    expect(schema.safeParse({ scenario: 'join', lang: 'zh' }).success).toBe(true)
    expect(schema.safeParse({ script: '/x.mjs', lang: 'en' }).success).toBe(true)
    expect(schema.safeParse({ scenario: 'join' }).success).toBe(true)
    expect(schema.safeParse({ scenario: 'join', lang: 'fr' }).success).toBe(false)
    expect(schema.safeParse({ scenario: 'join', lang: 'zh; rm -rf /' }).success).toBe(false)
  })
})
