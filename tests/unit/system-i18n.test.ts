// The System tab's messages: 简体中文 has exactly the keys English has, and every placeholder of an
// English message appears in its Chinese one (a missing {pid} would silently drop a fact).
import { describe, expect, it } from 'vitest'
import { messages } from '../../src-renderer/shared/i18n/messages/system'
import type { MessageTree } from '../../src-renderer/shared/i18n/types'
import { signalRefusalText } from '../../src-renderer/features/system/formatSystem'
import { SIGNAL_REFUSALS } from '../../src-shared/contract'

function leaves(tree: MessageTree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key
    if (typeof value === 'string') out.set(path, value)
    else for (const [k, v] of leaves(value, path)) out.set(k, v)
  }
  return out
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('system messages', () => {
  const en = leaves(messages.en)
  const zh = leaves(messages.zh)

  it('has the same keys in English and Chinese, and is not empty', () => {
    expect(en.size).toBeGreaterThan(50)
    expect([...zh.keys()].sort()).toEqual([...en.keys()].sort())
  })

  it('keeps every placeholder in the translation', () => {
    for (const [key, text] of en) expect(placeholders(zh.get(key) ?? ''), key).toEqual(placeholders(text))
  })

  it('has a label for every signal and state the UI shows', () => {
    for (const signal of ['SIGTERM', 'SIGKILL', 'SIGINT', 'SIGHUP', 'SIGSTOP', 'SIGCONT']) expect(en.get(`kill.help.${signal}`)).toBeTruthy()
    for (const state of ['running', 'sleeping', 'diskWait', 'stopped', 'zombie', 'idle', 'unknown']) expect(zh.get(`states.${state}`)).toBeTruthy()
  })
})

describe('signalRefusalText', () => {
  const en = leaves(messages.en)
  const zh = leaves(messages.zh)
  /** vue-i18n's t over one language's leaves, with {name} filled in. */
  const tOf = (table: Map<string, string>) => (key: string, named: Record<string, unknown> = {}) => {
    const text = table.get(key.replace(/^system\./, ''))
    if (text === undefined) throw new Error(`no message ${key}`)
    return text.replace(/\{(\w+)\}/g, (_, name: string) => String(named[name]))
  }

  it('says why for every refusal the host reports, in both languages, naming the owner', () => {
    for (const t of [tOf(en), tOf(zh)]) {
      for (const refusal of SIGNAL_REFUSALS) expect(signalRefusalText(t, { signalRefused: refusal, user: 'root' }), refusal).toMatch(/\S/)
    }
    expect(signalRefusalText(tOf(en), { signalRefused: 'other-user', user: 'postgres' })).toBe('Owned by postgres: you may not signal it.')
    expect(signalRefusalText(tOf(zh), { signalRefused: 'other-user', user: 'postgres' })).toBe('属于用户 postgres：你无权向它发送信号。')
    expect(signalRefusalText(tOf(en), { signalRefused: 'init', user: 'root' })).toMatch(/^pid 1 \(init\) cannot be signalled/)
  })

  it('is null for a process the user may signal', () => {
    expect(signalRefusalText(tOf(en), { signalRefused: null, user: 'root' })).toBeNull()
  })
})
