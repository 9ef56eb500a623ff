// Every area's Chinese messages have exactly the English keys, so no string falls back to
// English (or shows a raw key) in one language only.
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { AreaMessages, MessageTree } from '../../src-renderer/shared/i18n/types'

const dir = fileURLToPath(new URL('../../src-renderer/shared/i18n/messages/', import.meta.url))
const files = readdirSync(dir).filter((f) => f.endsWith('.ts'))

/** Leaf paths ("output.count") of a message tree, sorted. */
function leafKeys(tree: MessageTree, prefix = ''): string[] {
  return Object.entries(tree)
    .flatMap(([key, value]) => (typeof value === 'string' ? [`${prefix}${key}`] : leafKeys(value, `${prefix}${key}.`)))
    .sort()
}

/** {name} placeholders of a message, sorted: a translation must use the same ones. */
function placeholders(message: string): string[] {
  return [...new Set([...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string))].sort()
}

function leaf(tree: MessageTree, path: string): string {
  return path.split('.').reduce<string | MessageTree>((node, key) => (node as MessageTree)[key] as string | MessageTree, tree) as string
}

describe('i18n message files', () => {
  it('finds the areas', () => {
    expect(files).toEqual(expect.arrayContaining(['app.ts', 'lab.ts']))
  })

  for (const file of files) {
    describe(file, () => {
      it('has the same keys in en and zh', async () => {
        const { messages } = (await import(`${dir}${file}`)) as { messages: AreaMessages }
        expect(leafKeys(messages.zh)).toEqual(leafKeys(messages.en))
      })

      it('uses the same placeholders in en and zh, and no empty message', async () => {
        const { messages } = (await import(`${dir}${file}`)) as { messages: AreaMessages }
        for (const key of leafKeys(messages.en)) {
          const en = leaf(messages.en, key)
          const zh = leaf(messages.zh, key)
          expect(en.trim(), `${file} en.${key}`).not.toBe('')
          expect(typeof zh === 'string' ? zh.trim() : '', `${file} zh.${key}`).not.toBe('')
          if (typeof zh === 'string') expect(placeholders(zh), `${file} ${key}`).toEqual(placeholders(en))
        }
      })
    })
  }
})
