// Manager proxies in the shared-objects panel, against the real host and real lab processes: each
// dict, list and Namespace is a card with its current contents, reachable from the keyboard, in
// English and Chinese, and axe finds nothing in either colour scheme.
import { axeViolations } from './axe'
import type { Locator, Page } from '@playwright/test'
import { chooseLanguage, expect, runScenario, runScriptSource, test } from './fixtures'

function objectsPanel(page: Page): Locator {
  return page.locator('.objects-panel')
}

function card(page: Page, name: string): Locator {
  return objectsPanel(page).locator('[data-family="proxy"]').filter({ has: page.locator('.object-name', { hasText: new RegExp(`^${name.replace(/\./g, '\\.')}$`) }) })
}

function count(cardLocator: Locator, which: string): Locator {
  return cardLocator.locator(`[data-count="${which}"]`)
}

async function finished(page: Page, timeout = 60_000): Promise<void> {
  await expect(page.getByTestId('run-state')).toHaveText(/finished in/, { timeout })
}

async function expectPanelAccessible(page: Page, where: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme })
    const summary = await axeViolations(page, { include: ['.objects-panel'] })
    expect(summary, `${where}, ${colorScheme}:\n${summary.join('\n')}`).toEqual([])
    const path = test.info().outputPath(`${where.replace(/\W+/g, '-')}-${colorScheme}.png`)
    await objectsPanel(page).screenshot({ path })
    await test.info().attach(`${where}, ${colorScheme}`, { path, contentType: 'image/png' })
  }
}

test('manager-dict: the dict and list cards show what the workers wrote', async ({ app }) => {
  test.setTimeout(120_000)
  await runScenario(app, 'manager-dict')
  const results = card(app, 'results')
  const finishedList = card(app, 'finished')
  await finished(app)

  await expect(results.getByRole('heading')).toHaveText(/results\s*Manager\.dict/)
  const rows = results.locator('tbody tr')
  await expect(rows).toHaveCount(4)
  for (let n = 1; n <= 4; n++) {
    await expect(results.locator(`tr[data-key="'worker-${n}'"] td`)).toHaveText(String(n * n))
  }
  await expect(count(results, 'size')).toHaveText('4')
  await expect(count(results, 'writes')).toHaveText('4')
  // The list: one append per worker, indexes 0 to 3, each a worker's name.
  await expect(finishedList.locator('tbody th')).toHaveText(['0', '1', '2', '3'])
  await expect(finishedList.locator('tbody td')).toHaveText([/^'worker-\d'$/, /^'worker-\d'$/, /^'worker-\d'$/, /^'worker-\d'$/])
  await expect(finishedList.locator('.proxy-last')).toContainText(/copy\(\)\s*by\s*MainProcess/)

  // The contents are a labelled region that the keyboard reaches (it scrolls when long).
  const contents = results.getByRole('region', { name: 'Contents of results' })
  await objectsPanel(app).locator('.objects-scroll').focus()
  await app.keyboard.press('Tab')
  await expect(contents).toBeFocused()

  // A UI that connects later rebuilds the same cards from the host's snapshot.
  await app.reload()
  await expect(card(app, 'results').locator('tbody tr')).toHaveCount(4)
  await expectPanelAccessible(app, 'manager cards')

  await chooseLanguage(app, 'zh')
  await expect(card(app, 'results').locator('thead th').first()).toHaveText('键')
  await expect(card(app, 'finished').locator('thead th').first()).toHaveText('索引')
  await expectPanelAccessible(app, 'manager cards, Chinese')
})

const SHUTDOWN_SCRIPT = `
import { Manager } from 'proclab'
export default async function main() {
  const manager = Manager()
  const ns = manager.Namespace({ total: 0 }, { name: 'settings' })
  await ns.set('mode', 'fast')
  try { await ns.get('missing') } catch (e) { console.log('refused: ' + e.name) }
  const gone = Manager().dict({ a: 1 }, { name: 'scratch' })
  await gone.shutdown()
  console.log('done')
}
`

test('a Namespace card, a refused call, and a shut-down manager', async ({ app }) => {
  test.setTimeout(90_000)
  await runScriptSource(app, SHUTDOWN_SCRIPT, 'manager-shutdown.mjs')
  await finished(app)
  const settings = card(app, 'settings')
  await expect(settings.locator('thead th').first()).toHaveText('Attribute')
  await expect(settings.locator('tr[data-key="total"] td')).toHaveText('0')
  await expect(settings.locator('tr[data-key="mode"] td')).toHaveText("'fast'")
  await expect(count(settings, 'refused')).toHaveText('1')
  await expect(settings.locator('.proxy-last')).toContainText(/get\(missing\)\s*refused/)

  const scratch = card(app, 'scratch')
  await expect(scratch.getByRole('heading')).toContainText('shut down')
  await expect(scratch.getByTestId('proxy-empty')).toHaveText('Nothing: its Manager was shut down, and its data with it.')
  await expectPanelAccessible(app, 'namespace and shut-down cards')
})
