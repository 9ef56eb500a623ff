// Issue 16's zombie and orphan lessons in the UI: a real zombie (state Z) under its lab parent in
// the Lab tree and the System tab until it is reaped, and an orphan's new parent pid.
import { existsSync, writeFileSync } from 'node:fs'
import { axeViolations } from './axe'
import { cell, chooseTheme, expect, labRow, runScenario, runScriptSource, test } from './fixtures'

test('a zombie shows as Z under its parent in the Lab tree and the System tab, and is gone once reaped', async ({ app }) => {
  // The script keeps its zombie until the test has seen it: it reaps once this file exists.
  const reapNow = test.info().outputPath('reap-now')
  await runScriptSource(
    app,
    `import { existsSync } from 'node:fs'
    import { sleep, spawnUnreaped } from 'proclab'
    export default async function main() {
      const child = spawnUnreaped('sh', ['-c', 'exit 0'])
      while (!existsSync(${JSON.stringify(reapNow)})) await sleep(50)
      console.log('reaped', (await child.reap()).exitCode)
    }`,
    'zombie.mjs',
  )
  const zombie = labRow(app, 'sh')
  await expect(cell(zombie, 'state')).toHaveText('zombie (Z)')
  const pid = ((await cell(zombie, 'pid').textContent()) ?? '').trim()
  const mainPid = ((await cell(labRow(app, 'MainProcess'), 'pid').textContent()) ?? '').trim()
  await expect(cell(zombie, 'ppid')).toHaveText(mainPid)
  await expect(zombie).toHaveAttribute('aria-level', '2')
  await expect(app.getByRole('log', { name: /Output/ })).toContainText(`it has exited, and its parent (pid ${mainPid}) has not reaped it yet`)
  // Nobody joins it: only its parent reaps it.
  await expect(zombie.getByRole('button', { name: /^Join/ })).toHaveCount(0)
  // The zombie's state and the host's note lines read well in both themes.
  for (const theme of ['light', 'dark'] as const) {
    await chooseTheme(app, theme)
    expect(await axeViolations(app, { include: ['.lab-tree', '.output-pane'] }), theme).toEqual([])
  }

  await app.getByRole('tab', { name: 'System' }).click()
  await app.getByLabel('Filter').fill(pid)
  const tree = app.getByRole('treegrid', { name: 'System processes' })
  const row = tree.locator(`tbody tr[data-pid="${pid}"]`)
  await expect(row.locator('td[data-col="state"]')).toHaveText('zombie')
  // The filter keeps a match's ancestors: the zombie sits right below its parent, the lab main.
  const parentRow = tree.locator(`tbody tr[data-pid="${mainPid}"]`)
  await expect(parentRow).toBeVisible()
  expect(Number(await row.getAttribute('aria-level'))).toBe(Number(await parentRow.getAttribute('aria-level')) + 1)

  writeFileSync(reapNow, '')
  await app.getByRole('tab', { name: 'Lab' }).click()
  await expect(cell(zombie, 'state')).toHaveText('exited')
  await expect(cell(zombie, 'exit')).toHaveText('0')
  await expect(app.getByRole('log', { name: /Output/ })).toContainText('reaped by its parent: gone from the process table, exit code 0')
  expect(existsSync(`/proc/${pid}`)).toBe(false)
})

test('the orphan scenario: the orphan’s PPID changes to its new parent in the Lab tree, with a line in the output', async ({ app }) => {
  await runScenario(app, 'orphan')
  const orphan = labRow(app, 'orphan')
  const parent = labRow(app, 'parent')
  await expect(cell(parent, 'exit')).toHaveText('-15')
  const parentPid = ((await cell(parent, 'pid').textContent()) ?? '').trim()
  const log = app.getByRole('log', { name: /Output/ })
  await expect(log).toContainText(`orphaned: its parent pid ${parentPid} ended; its parent is now pid`)
  const text = (await log.textContent()) ?? ''
  const newPpid = /its parent is now pid (\d+)/.exec(text)?.[1]
  expect(newPpid).toBeDefined()
  expect(newPpid).not.toBe(parentPid)
  await expect(cell(orphan, 'ppid')).toHaveText(newPpid!)
})
