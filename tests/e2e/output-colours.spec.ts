// A lab process's ANSI colours reach the output pane as colours of the theme's palette, readable
// (axe's contrast check) in both schemes; the text itself stays searchable without the codes.
import { axeViolations } from './axe'
import { expect, runScriptSource, test } from './fixtures'

// Each of the 16 foreground colours, then bold, then a reset, as a coloured CLI would print them.
const SCRIPT = `
export default async function main() {
  const codes = [30, 31, 32, 33, 34, 35, 36, 37, 90, 91, 92, 93, 94, 95, 96, 97]
  console.log(codes.map((code, i) => '\\u001b[' + code + 'mc' + i + '\\u001b[0m').join(' '))
  console.log('\\u001b[1;32mPASS\\u001b[0m plain after')
}
`

test('ANSI colours show in the output pane, readable in both themes, and the text stays searchable', async ({ app }) => {
  await runScriptSource(app, SCRIPT)
  const pane = app.locator('.output-pane')
  const palette = pane.locator('.output-line', { hasText: 'c0 c1' })
  await expect(palette).toBeVisible({ timeout: 30_000 })
  for (let i = 0; i < 16; i++) await expect(palette.locator(`.ansi-${i}`)).toHaveText(`c${i}`)
  const pass = pane.locator('.output-line', { hasText: 'PASS plain after' })
  await expect(pass.locator('.ansi-2.ansi-bold')).toHaveText('PASS')
  // Green is a colour, not the text's own: the codes are gone from what is shown and searched.
  const colour = await pass.locator('.ansi-2').evaluate((el) => getComputedStyle(el).color)
  const plain = await pass.locator('.text').evaluate((el) => getComputedStyle(el).color)
  expect(colour).not.toBe(plain)
  await expect(pane).not.toContainText('[32m')
  await app.getByLabel('Search output').fill('PASS plain')
  await expect(pane.locator('.output-line')).toHaveCount(1)
  await app.getByLabel('Search output').fill('')

  for (const colorScheme of ['light', 'dark'] as const) {
    await app.emulateMedia({ colorScheme })
    expect(await axeViolations(app, { include: ['.output-pane'], rules: ['color-contrast'] }), colorScheme).toEqual([])
  }
})
