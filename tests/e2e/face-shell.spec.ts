// The shell's "how it should feel": themes, languages and the keyboard help, in a real browser
// against a real `proclab serve`.
import { chooseLanguage, chooseTheme, expect, pageBackground, test } from './fixtures'

// Several steps with real processes each: on a busy 2-core machine one step can take seconds.
test.describe.configure({ timeout: 120_000 })

// app.css: --bg of each scheme, as the browser reports the body's background.
const LIGHT_BG = 'rgb(244, 245, 247)'
const DARK_BG = 'rgb(17, 19, 22)'

test('the theme follows the OS until the user picks one, and the pick survives a reload', async ({ app }) => {
  await app.emulateMedia({ colorScheme: 'light' })
  await expect(app.locator('#theme-select')).toHaveValue('system')
  expect(await pageBackground(app)).toBe(LIGHT_BG)
  await app.emulateMedia({ colorScheme: 'dark' })
  await expect.poll(() => pageBackground(app)).toBe(DARK_BG)

  // Pinned light on a dark OS.
  await chooseTheme(app, 'light')
  await expect(app.locator('html')).toHaveAttribute('data-theme', 'light')
  await expect.poll(() => pageBackground(app)).toBe(LIGHT_BG)
  const lightText = await app.locator('.app-name').evaluate((el) => getComputedStyle(el).color)

  // Pinned dark on a light OS: text colours change too, not only the background.
  await app.emulateMedia({ colorScheme: 'light' })
  await chooseTheme(app, 'dark')
  await expect.poll(() => pageBackground(app)).toBe(DARK_BG)
  expect(await app.locator('.app-name').evaluate((el) => getComputedStyle(el).color)).not.toBe(lightText)

  await app.reload()
  await expect(app.getByTestId('connection-status')).toHaveText('Connected')
  await expect(app.locator('#theme-select')).toHaveValue('dark')
  await expect.poll(() => pageBackground(app)).toBe(DARK_BG)

  // Back to following the OS.
  await chooseTheme(app, 'system')
  await expect(app.locator('html')).not.toHaveAttribute('data-theme')
  await expect.poll(() => pageBackground(app)).toBe(LIGHT_BG)
})

test('switching to 简体中文 translates the UI, sets lang="zh-CN" and survives a reload', async ({ app }) => {
  await expect(app.locator('html')).toHaveAttribute('lang', 'en')
  const joinCard = app.locator('label.scenario-option', { has: app.locator('input[value="join"]') })
  const englishTitle = (await joinCard.locator('.scenario-title').textContent()) ?? ''

  await app.getByLabel('Language').selectOption('zh')
  await expect(app.locator('html')).toHaveAttribute('lang', 'zh-CN')
  await expect(app.getByRole('button', { name: '运行', exact: true })).toBeVisible()
  await expect(app.getByRole('tab', { name: '实验' })).toHaveAttribute('aria-selected', 'true')
  await expect(app.getByTestId('connection-status')).toHaveText('已连接')
  await expect(app.getByTestId('run-state')).toContainText('还没有运行')
  // The host's lesson titles, in Chinese.
  await expect(joinCard.locator('.scenario-title')).toHaveText(/[\u4e00-\u9fff]/)
  await expect(joinCard.locator('.scenario-title')).not.toHaveText(englishTitle)

  await app.reload()
  await expect(app.getByTestId('connection-status')).toHaveText('已连接')
  await expect(app.locator('html')).toHaveAttribute('lang', 'zh-CN')
  await expect(app.getByLabel('语言')).toHaveValue('zh')

  // A run in Chinese: the tree's words change, the numbers do not.
  await app.locator('input[name="scenario"][value="long-sleeper"]').check()
  await app.getByRole('button', { name: '运行', exact: true }).click()
  const tree = app.getByRole('treegrid', { name: '实验进程' })
  // The sleeper sleeps and main joins it: the State says so in Chinese.
  await expect(tree.locator('td[data-col="state"]', { hasText: /^休眠中$/ }).first()).toBeVisible()
  await expect(tree.locator('td[data-col="state"]', { hasText: /^等待子进程$/ }).first()).toBeVisible()
  await app.getByRole('button', { name: '停止' }).click()
  await expect(app.getByTestId('run-state')).toContainText(/后被停止/)

  await chooseLanguage(app, 'en')
  await expect(app.locator('html')).toHaveAttribute('lang', 'en')
  await expect(app.getByRole('button', { name: 'Run', exact: true })).toBeVisible()
  await expect(joinCard.locator('.scenario-title')).toHaveText(englishTitle)
})

test.describe('on a Chinese OS', () => {
  test.use({ locale: 'zh-CN' })

  test('the UI starts in 简体中文 without being asked', async ({ app }) => {
    await expect(app.locator('html')).toHaveAttribute('lang', 'zh-CN')
    await expect(app.getByRole('button', { name: '运行', exact: true })).toBeVisible()
  })
})

test('? opens the keyboard help as a modal dialog; focus stays inside; Esc closes it', async ({ app }) => {
  const help = app.getByRole('dialog', { name: 'Keyboard shortcuts' })
  // Typing a "?" into a text box is text, not a shortcut.
  await app.getByLabel('Script path').fill('')
  await app.getByLabel('Script path').press('?')
  await expect(app.getByLabel('Script path')).toHaveValue('?')
  await expect(help).toBeHidden()

  await app.getByRole('tab', { name: 'Lab' }).focus()
  await app.keyboard.press('?')
  await expect(help).toBeVisible()
  await expect(help).toContainText('SIGTERM')
  await expect(help.getByRole('button', { name: 'Close' })).toBeFocused()
  for (let i = 0; i < 3; i++) {
    await app.keyboard.press('Tab')
    expect(await app.evaluate(() => document.activeElement?.closest('dialog') !== null)).toBe(true)
  }
  await app.keyboard.press('Escape')
  await expect(help).toBeHidden()
  await expect(app.getByRole('tab', { name: 'Lab' })).toBeFocused()

  // The header's button opens the same help.
  await app.getByRole('button', { name: /^Keys/ }).click()
  await expect(help).toBeVisible()
  await help.getByRole('button', { name: 'Close' }).click()
  await expect(help).toBeHidden()
})
