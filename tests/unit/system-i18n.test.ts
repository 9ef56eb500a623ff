// The System tab's messages: 简体中文 has exactly the keys English has, and every placeholder of an
// English message appears in its Chinese one (a missing {pid} would silently drop a fact).
import { describe, expect, it } from 'vitest'
import { messages } from '../../src-renderer/i18n/messages/system'
import type { MessageTree } from '../../src-renderer/i18n/types'

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
