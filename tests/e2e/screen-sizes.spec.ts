// Readable at 1280×720 and at 4K: after a real run, the page fits the width (no sideways
// scrolling), the run controls, the tabs, the process tree and the output are on screen, no text
// is smaller than 11 CSS px, and at a device pixel ratio of 2 (3840×2160 device pixels) the
// Timeline's canvas is drawn at full resolution rather than scaled up. Screenshots of both sizes
// are kept as test artifacts.
import type { Page } from '@playwright/test'
import { expect, runScenario, test } from './fixtures'

const SIZES = [
  { name: '1280x720', viewport: { width: 1280, height: 720 }, deviceScaleFactor: 1 },
  { name: '4k', viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 2 },
]
const MIN_FONT_PX = 11

/** The smallest computed font size among elements that show text. */
function smallestText(page: Page): Promise<{ px: number; where: string }> {
  return page.evaluate(() => {
    let smallest = { px: Infinity, where: '' }
    for (const el of document.querySelectorAll<HTMLElement>('body *')) {
      const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== '')
      if (!own || el.offsetParent === null || el.closest('[aria-hidden="true"], .visually-hidden')) continue
      const px = parseFloat(getComputedStyle(el).fontSize)
      if (px < smallest.px) smallest = { px, where: `${el.tagName.toLowerCase()}.${el.className}: ${el.textContent!.trim().slice(0, 40)}` }
    }
    return smallest
  })
}

for (const size of SIZES) {
  test(`readable at ${size.name}: fits the width, the main regions on screen, text ≥ ${MIN_FONT_PX} px`, async ({ browser, server }) => {
    const context = await browser.newContext({ viewport: size.viewport, deviceScaleFactor: size.deviceScaleFactor })
    const page = await context.newPage()
    try {
      await page.goto(server.url)
      await expect(page.getByTestId('connection-status')).toHaveAttribute('data-connected', 'true')
      await runScenario(page, 'join')
      await expect(page.getByTestId('run-state')).toHaveText(/finished in/, { timeout: 60_000 })

      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
      expect(overflow, 'the page scrolls sideways').toBeLessThanOrEqual(0)
      for (const region of [page.getByRole('button', { name: 'Run', exact: true }), page.getByRole('tab', { name: 'Sessions' }), page.locator('table.lab-tree tbody tr').first(), page.getByRole('log', { name: /Output/ })]) {
        await expect(region).toBeInViewport()
      }
      const smallest = await smallestText(page)
      expect(smallest.px, `smallest text: ${smallest.where}`).toBeGreaterThanOrEqual(MIN_FONT_PX)
      await keep(page, `lab-${size.name}`)

      await page.getByRole('tab', { name: 'Timeline' }).click()
      const canvas = page.locator('#panel-timeline canvas').first()
      await expect(canvas).toBeVisible()
      await expect
        .poll(() => canvas.evaluate((el: HTMLCanvasElement) => el.width / el.getBoundingClientRect().width), { message: 'canvas pixels per CSS px' })
        .toBeCloseTo(size.deviceScaleFactor, 1)
      await keep(page, `timeline-${size.name}`)
    } finally {
      await context.close()
    }
  })
}

async function keep(page: Page, name: string): Promise<void> {
  const path = test.info().outputPath(`${name}.png`)
  await page.screenshot({ path })
  await test.info().attach(name, { path, contentType: 'image/png' })
}
