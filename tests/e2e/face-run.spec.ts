// The run toolbar, the output filters, the details drawer and the empty and error states.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ALIVE, cell, expect, labRow, labRows, pressAndHold, runScenario, test } from './fixtures'

// Several steps with real processes each: on a busy 2-core machine one step can take seconds.
test.describe.configure({ timeout: 120_000 })

test('the empty state says what to do before the first run', async ({ app }) => {
  await expect(app.getByTestId('run-state')).toHaveText(/No run yet/)
  await expect(app.getByText(/No run yet: pick a scenario/)).toBeVisible()
  await expect(app.getByRole('button', { name: 'Re-run' })).toBeDisabled()
  await expect(app.getByTestId('output-count')).toHaveText('0 lines')
})

test('Re-run starts the same scenario again: a new run with new processes', async ({ app }) => {
  await runScenario(app, 'long-sleeper')
  const sleeper = labRow(app, 'sleeper')
  await expect(cell(sleeper, 'state')).toHaveText(ALIVE)
  const firstPid = ((await cell(sleeper, 'pid').textContent()) ?? '').trim()
  // Another scenario picked meanwhile: Re-run still means the one that ran.
  await app.locator('input[name="scenario"][value="join"]').check()

  await app.getByRole('button', { name: 'Re-run' }).click()
  await expect(cell(sleeper, 'pid')).not.toHaveText(firstPid, { timeout: 20_000 })
  await expect(cell(sleeper, 'state')).toHaveText(ALIVE)
  await expect(labRows(app)).toHaveCount(2)
  await expect(app.getByTestId('run-state')).toHaveText(/running/)
  await app.getByRole('button', { name: 'Stop' }).click()
  await expect(cell(sleeper, 'state')).toHaveText('exited')
})

test('the output filters by process and by text, with a line count', async ({ app }) => {
  await runScenario(app, 'join')
  await expect(app.getByTestId('run-state')).toHaveText(/finished in/, { timeout: 20_000 })
  const log = app.getByRole('log', { name: /Output/ })
  const lines = log.locator('li.output-line')
  const total = await lines.count()
  expect(total).toBeGreaterThanOrEqual(4) // three children and the main
  await expect(app.getByTestId('output-count')).toHaveText(`${total} lines`)

  await app.getByRole('searchbox', { name: 'Search output' }).fill('woke after 2')
  await expect(lines).toHaveCount(1)
  await expect(lines).toContainText('child 2 woke after 2 s')
  await expect(app.getByTestId('output-count')).toHaveText(`1 of ${total} lines`)

  await app.getByRole('searchbox', { name: 'Search output' }).fill('no line says this')
  await expect(lines).toHaveCount(0)
  await expect(log).toContainText('No line matches.')

  // By process: the lab main's lines only (it reports the exit codes).
  await app.getByRole('searchbox', { name: 'Search output' }).fill('')
  const mainPid = ((await cell(labRows(app).first(), 'pid').textContent()) ?? '').trim()
  const processSelect = app.getByLabel('Process', { exact: true })
  await processSelect.selectOption({ label: `${(await labRows(app).first().locator('.proc-name').textContent())?.trim()} [${mainPid}]` })
  await expect(lines.first()).toBeVisible()
  for (const who of await lines.locator('.who-pid').allTextContents()) expect(who).toBe(`[${mainPid}]`)
  await expect(log).toContainText('exit codes: 0, 0, 0')
  await expect(log).not.toContainText('woke after')
})

test('live CPU and memory of the run’s processes, and a details drawer with its family and events', async ({ app }) => {
  await runScenario(app, 'long-sleeper')
  const sleeper = labRow(app, 'sleeper')
  await expect(cell(sleeper, 'state')).toHaveText(ALIVE)
  // Sampled every 2 s from the host's monitor while the run is live.
  await expect(cell(sleeper, 'memory')).toHaveText(/\d.*(KiB|MiB)/, { timeout: 15_000 })
  await expect(cell(sleeper, 'cpu')).toHaveText(/^\d+\.\d$/)

  await sleeper.click()
  const drawer = app.getByTestId('lab-details')
  await expect(drawer.getByRole('heading', { name: 'Details: sleeper' })).toBeVisible()
  await expect(drawer).toContainText('sleepLong')
  await expect(drawer.getByTestId('process-events')).toContainText('process.start')
  await expect(drawer).toContainText(/Command line/, { timeout: 10_000 })

  // The parent chain is clickable: up to the lab main, whose children list leads back.
  const mainName = ((await labRows(app).first().locator('.proc-name').textContent()) ?? '').trim()
  await drawer.getByRole('list', { name: 'Parent chain' }).getByRole('button').first().click()
  await expect(drawer.getByRole('heading', { name: `Details: ${mainName}` })).toBeVisible()
  await expect(labRows(app).first()).toHaveAttribute('aria-selected', 'true')
  await drawer.getByRole('button', { name: /^sleeper/ }).click()
  await expect(drawer.getByRole('heading', { name: 'Details: sleeper' })).toBeVisible()

  await app.getByRole('button', { name: 'Stop' }).click()
  await expect(cell(sleeper, 'state')).toHaveText('exited')
  await expect(cell(sleeper, 'memory')).toHaveText('–')
  await expect(drawer.getByTestId('process-events')).toContainText('process.exit')
})

test('a script that fails to load shows its error', async ({ app }) => {
  const dir = mkdtempSync(join(tmpdir(), 'proclab-face-'))
  const script = join(dir, 'broken.mjs')
  writeFileSync(script, 'export default async function main() {\n  this is not javascript\n}\n')
  try {
    await app.getByLabel('Script path').fill(script)
    await app.getByRole('button', { name: 'Run script' }).click()
    await expect(app.getByTestId('run-state')).toHaveText(/failed after/, { timeout: 20_000 })
    const problem = app.getByRole('alert').filter({ hasText: 'The run failed' })
    await expect(problem).toBeVisible()
    await expect(problem).toContainText(/SyntaxError|Unexpected/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('the rows hold still while a button is pressed: a child that starts above the pressed row waits for the click', async ({ app }) => {
  const dir = mkdtempSync(join(tmpdir(), 'proclab-face-'))
  const go = join(dir, 'go')
  const started = join(dir, 'started')
  // "parent" starts its child only when the test says so (the file `go`); the child's row then
  // comes under "parent", above "sibling".
  writeFileSync(
    join(dir, 'late-child.mjs'),
    `import { existsSync, writeFileSync } from 'node:fs'
import { Process, sleep } from 'proclab'

export async function rest() {
  writeFileSync(${JSON.stringify(started)}, '')
  await sleep(10 * 60 * 1000)
}

export async function parent() {
  while (!existsSync(${JSON.stringify(go)})) await sleep(50)
  const child = new Process({ target: rest, name: 'late-child' })
  await child.start()
  await child.join()
}

export default async function main() {
  const first = new Process({ target: parent, name: 'parent' })
  const second = new Process({ target: rest, name: 'sibling' })
  await first.start()
  await second.start()
  await first.join()
  await second.join()
}
`,
  )
  try {
    await app.getByLabel('Script path').fill(join(dir, 'late-child.mjs'))
    await app.getByRole('button', { name: 'Run script' }).click()
    const sibling = labRow(app, 'sibling')
    await expect(cell(sibling, 'state')).toHaveText(ALIVE)
    const kill = sibling.getByRole('button', { name: /^Kill/ })
    const box = await pressAndHold(app, kill)
    writeFileSync(go, '')
    await expect.poll(() => existsSync(started), { timeout: 20_000 }).toBe(true)
    await app.waitForTimeout(500) // the host's frames come several times a second
    expect(await kill.boundingBox()).toEqual(box)
    await app.mouse.up()
    const dialog = app.getByRole('dialog', { name: 'Send a signal' })
    await expect(dialog).toBeVisible()
    await expect(dialog.locator('#kill-target')).toContainText('sibling')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    // Released, the new row comes in: under "parent", above "sibling".
    await expect(labRow(app, 'late-child')).toBeVisible()
    const names = await labRows(app).locator('td[data-col="name"]').allTextContents()
    expect(names.findIndex((n) => n.includes('late-child'))).toBeLessThan(names.findIndex((n) => n.includes('sibling')))
    await app.getByRole('button', { name: 'Stop' }).click()
    await expect(app.getByTestId('run-state')).toHaveText(/stopped after/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
