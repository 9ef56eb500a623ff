// The token `proclab serve` prints in its URL is the key to the host: once the page has read it, it
// is gone from the address bar and from the tab's history (the running page keeps it, and the tab
// keeps it across a reload), and the page still talks to the host.
import type { Page } from '@playwright/test'
import { expect, runScenario, test } from './fixtures'

/** Every URL of the tab's history, as the browser keeps it (not only what the page can see). */
async function historyUrls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page)
  try {
    const { entries } = await cdp.send('Page.getNavigationHistory')
    return entries.map((entry) => entry.url)
  } finally {
    await cdp.detach()
  }
}

test('the token leaves the address bar and the history once the page has it; the page still works, after a reload too', async ({ app, server }) => {
  const token = new URL(server.url).searchParams.get('token')
  expect(token).toMatch(/^[0-9a-f]{64}$/)
  const expectNoToken = async () => {
    await expect.poll(() => app.evaluate(() => location.href)).toBe(new URL('/', server.url).href)
    expect(app.url()).not.toContain(token)
    const urls = await historyUrls(app)
    expect(urls.some((url) => url.startsWith(new URL('/', server.url).href))).toBe(true)
    expect(urls.filter((url) => url.includes(token!))).toEqual([])
  }

  await expectNoToken()
  await runScenario(app, 'hello')
  await expect(app.getByTestId('run-state')).toHaveText(/finished in/, { timeout: 20_000 })

  // A reload of the tab connects again without the token in its URL, and still leaves none.
  await app.reload()
  await expect(app.getByTestId('connection-status')).toHaveAttribute('data-connected', 'true')
  await expectNoToken()
  await runScenario(app, 'hello')
  await expect(app.getByTestId('run-state')).toHaveText(/finished in/, { timeout: 20_000 })
})

test('a page opened without the token (another tab, a copied address) is not let in', async ({ app, server, browser }) => {
  await expect(app.getByTestId('connection-status')).toHaveAttribute('data-connected', 'true')
  const stranger = await browser.newPage()
  try {
    // The browser logs the refused WebSocket; that is what this test expects.
    await stranger.goto(new URL('/', server.url).href)
    await expect(stranger.getByTestId('connection-status')).toHaveAttribute('data-connected', 'false')
    await expect(stranger.getByTestId('connection-status')).toHaveText(/^Disconnected/)
  } finally {
    await stranger.close()
  }
})
