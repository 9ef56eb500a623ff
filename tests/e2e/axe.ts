// axe-core, run in the page itself. @axe-core/playwright injects ~500 KB of script into every frame
// on each call and finishes each run in a second, blank page: seconds per check on a busy 2-core
// machine, where the check itself takes a few hundred milliseconds. The app is one frame, so the
// script goes in once per document and `axe.run` does the whole check there.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from '@playwright/test'
import type { AxeResults, Result } from 'axe-core'

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

export interface AxeScope {
  /** CSS selectors of the parts to check; the whole page when absent. */
  include?: string[]
  /** Only these rules (ids such as 'color-contrast'); every rule when absent. */
  rules?: string[]
}

/** One line per violated rule, with up to five of the nodes that break it: empty when the page passes. */
export async function axeViolations(page: Page, scope: AxeScope = {}): Promise<string[]> {
  const violations = await runAxe(page, scope)
  return violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}${n.failureSummary ? ` — ${n.failureSummary.replace(/\s+/g, ' ')}` : ''}`).join('\n  ')}`,
  )
}

async function runAxe(page: Page, { include, rules }: AxeScope): Promise<Result[]> {
  // A reload or navigation starts a new document without axe in it.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource)
  const results: Pick<AxeResults, 'violations'> = await page.evaluate(
    async ({ include, rules }) => {
      const axe = (window as unknown as { axe: typeof import('axe-core') }).axe
      const context = include ? { include: include.map((selector) => [selector]) } : document
      const { violations } = await axe.run(context, {
        ...(rules ? { runOnly: { type: 'rule', values: rules } } : {}),
        resultTypes: ['violations'],
      })
      return { violations }
    },
    { include, rules },
  )
  return results.violations
}
