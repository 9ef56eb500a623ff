// The Lab view's script editor: a script typed in the browser is saved in the user's lab folder and
// run by the real host (its output and processes on screen); an uncaught error is marked on its line;
// keyboard users are never trapped in it; axe finds nothing in either theme or language.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { axeViolations } from './axe'
import type { Page } from '@playwright/test'
import { chooseLanguage, chooseTheme, expect, labRow, test } from './fixtures'

/** Every server of the test run shares one lab folder (XDG_DATA_HOME): a name of this test's own. */
function uniqueName(stem: string, extension = 'mjs'): string {
  const info = test.info()
  return `${stem}-w${info.workerIndex}-r${info.repeatEachIndex}-${info.retry}-${Date.now() % 100000}.${extension}`
}

async function openEditor(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Script editor' }).click()
  await expect(page.getByRole('textbox', { name: /^Lab script:/ })).toBeFocused()
}

async function clearEditor(page: Page): Promise<void> {
  await page.getByRole('textbox', { name: /^Lab script:/ }).click()
  await page.keyboard.press('ControlOrMeta+a')
  await page.keyboard.press('Delete')
}

/** Replaces the editor's text with these lines, typed key by key (so brackets close as they are typed). */
async function typeScript(page: Page, lines: readonly string[]): Promise<void> {
  await clearEditor(page)
  for (const [i, line] of lines.entries()) {
    // Enter on a completion list would pick from it: each line ends on punctuation, and Escape closes any list.
    await page.keyboard.type(line)
    await page.keyboard.press('Escape')
    if (i < lines.length - 1) await page.keyboard.press('Enter')
  }
}

test('a script typed in the editor runs with Ctrl+Enter: its output and its processes show', async ({ app }) => {
  // Some 250 keystrokes, each a round of the editor's input handling: tens of seconds on a busy machine.
  test.setTimeout(120_000)
  await openEditor(app)
  const name = uniqueName('typed')
  await app.getByLabel('File name').fill(name)
  // One line per function: the editor closes brackets as they are typed, and types over the closers.
  await typeScript(app, [
    "import { Process, currentProcess } from 'proclab';",
    // The window's single-key shortcuts (/ ? k j t) are letters in the editor.
    "export function hello() { console.log('typed in the browser, / ? k j t too, by ' + currentProcess().name); }",
    "export default async function main() { const p = new Process({ target: hello, name: 'typist' }); await p.start(); await p.join(); }",
  ])
  await app.keyboard.press('ControlOrMeta+Enter')

  await expect(app.getByRole('log', { name: /Output/ })).toContainText('typed in the browser, / ? k j t too, by typist')
  await expect(labRow(app, 'typist')).toBeVisible()
  await expect(labRow(app, 'MainProcess')).toBeVisible()
  await expect(app.getByTestId('editor-status')).toHaveText(`Saved in your lab folder as ${name}.`)
  // In the user's lab folder (the servers' XDG_DATA_HOME, set by playwright.config.ts), and saved
  // again by itself once typing stops.
  const file = join(process.env.XDG_DATA_HOME!, 'proclab', 'lab', name)
  expect(readFileSync(file, 'utf8')).toContain("name: 'typist'")
  await app.keyboard.press('ControlOrMeta+End')
  await app.keyboard.type(' // autosaved')
  await expect.poll(() => readFileSync(file, 'utf8')).toContain('// autosaved')

  // Saved in the lab folder: a template replaces the text, and the saved script opens again.
  await app.getByLabel('Start from').selectOption({ label: 'A process that prints (TypeScript)' })
  await app.getByRole('button', { name: 'Open', exact: true }).click()
  await expect(app.getByLabel('File name')).toHaveValue('my-script.ts')
  await app.getByLabel('Start from').selectOption({ label: name })
  await app.getByRole('button', { name: 'Open', exact: true }).click()
  await expect(app.getByLabel('File name')).toHaveValue(name)
  await expect(app.locator('.cm-content')).toContainText("target: hello, name: 'typist'")
})

test('an uncaught error is marked on the line that threw it', async ({ app }) => {
  await openEditor(app)
  await app.getByLabel('File name').fill(uniqueName('thrower'))
  // Inserted whole (as a paste): typed, the editor's closing brackets would add a brace of its own.
  await clearEditor(app)
  await app.keyboard.insertText(["import { sleep } from 'proclab'", 'export default async function main() {', '  await sleep(10)', "  throw new Error('thrown on line four')", '}', ''].join('\n'))
  await app.locator('#script-editor-panel').getByRole('button', { name: 'Run', exact: true }).click()

  const errors = app.getByTestId('editor-errors')
  await expect(errors).toContainText('Line 4: Error: thrown on line four (MainProcess)')
  const lineFour = app.locator('.cm-content .cm-line').nth(3)
  await expect(lineFour).toContainText("throw new Error('thrown on line four')")
  await expect(lineFour.locator('.cm-run-error')).toBeVisible()
  // The list's entry puts the cursor on that line, in the editor.
  await errors.getByRole('button').click()
  await expect(app.getByRole('textbox', { name: /^Lab script:/ })).toBeFocused()
  await expect(app.locator('.cm-activeLine')).toContainText('thrown on line four')
})

test('a scenario opens as a script, the proclab API is completed, and Esc then Tab leaves the editor', async ({ app }) => {
  await openEditor(app)
  await app.getByLabel('Start from').selectOption({ label: 'Two ways to start a process' })
  await app.getByRole('button', { name: 'Open', exact: true }).click()
  await expect(app.getByLabel('File name')).toHaveValue('hello.mjs')
  await expect(app.locator('.cm-content')).toContainText('export default')

  // The mouse over an imported name shows its signature and docs.
  const importLine = app.locator('.cm-line', { hasText: 'import { Process, currentProcess' })
  const word = await importLine.evaluate((line) => {
    const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT)
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent!.indexOf('currentProcess')
      if (at < 0) continue
      const range = document.createRange()
      range.setStart(node, at + 3)
      range.setEnd(node, at + 4)
      const box = range.getBoundingClientRect()
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 }
    }
    return null
  })
  expect(word).not.toBeNull()
  await app.mouse.move(word!.x, word!.y)
  await expect(app.locator('.cm-tooltip-hover .cm-lab-doc')).toContainText('function currentProcess(): Process')

  const editor = app.getByRole('textbox', { name: /^Lab script:/ })
  await editor.click()
  await app.keyboard.press('ControlOrMeta+End')
  await app.keyboard.press('Enter')
  await app.keyboard.type('const gate = new Loc')
  const completions = app.getByRole('listbox')
  await expect(completions.getByRole('option', { name: /^Lock/ })).toBeVisible()
  await app.keyboard.press('Escape')
  // Tab indents inside the editor...
  await app.keyboard.press('Tab')
  await expect(editor).toBeFocused()
  // ...and Esc, then Tab, moves on to the next control, as CodeMirror's convention has it.
  await app.keyboard.press('Escape')
  await app.keyboard.press('Tab')
  await expect(editor).not.toBeFocused()
  // Focus went to a control of the page, not to nothing (the body) and not back into the editor's shadow root.
  expect(await app.evaluate(() => document.activeElement !== document.body && document.activeElement?.shadowRoot == null)).toBe(true)
})

async function expectNoViolations(page: Page, where: string): Promise<void> {
  const summary = await axeViolations(page, { include: ['#script-editor-panel', '.sidebar'] })
  expect(summary, `${where}:\n${summary.join('\n')}`).toEqual([])
}

for (const theme of ['light', 'dark'] as const) {
  test(`the editor has no axe violations in the ${theme} theme, in English and in Chinese`, async ({ app }) => {
    test.setTimeout(180_000)
    await chooseTheme(app, theme)
    await openEditor(app)
    await app.getByLabel('File name').fill(uniqueName(`axe-${theme}`))
    await clearEditor(app)
    await app.keyboard.insertText(["import { sleep } from 'proclab'", 'export default async function main() {', '  await sleep(10)', "  throw new Error('for the error list')", '}', ''].join('\n'))
    await app.keyboard.press('ControlOrMeta+Enter')
    await expect(app.getByTestId('editor-errors')).toBeVisible()
    await expectNoViolations(app, `editor, ${theme}, English`)

    await chooseLanguage(app, 'zh')
    await expect(app.getByRole('textbox', { name: /^实验脚本：/ })).toBeVisible()
    await expect(app.getByTestId('editor-errors')).toContainText('第 4 行')
    await expectNoViolations(app, `editor, ${theme}, Chinese`)
  })
}
