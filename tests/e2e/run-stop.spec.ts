// Stop ends a run; it does not fail it. The summary says the run was stopped, and every process
// shows how it really ended: the signal that ended it, or the code it exited with before.
import { ALIVE, cell, chooseLanguage, expect, labRow, runScriptSource, test } from './fixtures'

// A main with four kinds of child: sleepers (one with a grandchild), one that ignores SIGTERM (Stop
// must use SIGKILL on it), and one that exits by itself with code 3 before Stop is pressed.
const SCRIPT = `import { Process, sleep } from 'proclab'

export async function sleeper() {
  await sleep(600_000)
}

export async function parent() {
  const child = new Process({ target: sleeper, name: 'grandchild' })
  await child.start()
  await sleep(600_000)
}

export async function stubborn() {
  process.on('SIGTERM', () => console.log('stubborn: SIGTERM ignored'))
  await sleep(600_000)
}

export async function quitter() {
  process.exit(3)
}

export default async function main() {
  for (const [target, name] of [[sleeper, 'sleeper'], [parent, 'parent'], [stubborn, 'stubborn'], [quitter, 'quitter']]) {
    await new Process({ target, name }).start()
  }
  await sleep(600_000)
}
`

test('Stop says the run was stopped, not failed, and each process shows its real end', async ({ app }) => {
  await runScriptSource(app, SCRIPT, 'stop-me.mjs')
  for (const name of ['MainProcess', 'sleeper', 'parent', 'grandchild', 'stubborn']) await expect(cell(labRow(app, name), 'state')).toHaveText(ALIVE)
  await expect(cell(labRow(app, 'quitter'), 'exit')).toHaveText('3')

  await app.getByRole('button', { name: 'Stop' }).click()
  await expect(app.getByTestId('run-state')).toHaveText(/^stopped after /)
  await expect(app.getByTestId('run-state')).not.toHaveClass(/failed/)
  await expect(app.getByText('The run failed:')).toHaveCount(0)

  // SIGTERM for all but the one that ignored it (SIGKILL after the grace period); the quitter keeps its 3.
  const ends: Record<string, string> = { MainProcess: '-15', sleeper: '-15', parent: '-15', grandchild: '-15', stubborn: '-9', quitter: '3' }
  for (const [name, exit] of Object.entries(ends)) {
    await expect(cell(labRow(app, name), 'state')).toHaveText('exited')
    await expect(cell(labRow(app, name), 'exit'), name).toHaveText(exit)
  }
  await expect(cell(labRow(app, 'stubborn'), 'exit').locator('span')).toHaveAttribute('title', '-9 (SIGKILL)')

  await chooseLanguage(app, 'zh')
  await expect(app.getByTestId('run-state')).toHaveText(/^运行 .+ 后被停止$/)
})
