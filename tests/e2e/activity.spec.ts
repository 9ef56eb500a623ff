// A live process's State says what it is doing in lab terms (issue 16): a worker blocked on a
// held lock shows "waiting for <lock>", a main blocked in get() on an empty queue "waiting in get
// on <queue>", a sleeper "sleeping", a parent in join() "joining <child>"; each with the time it
// has waited. In Chinese too, and axe finds nothing in the tree.
import { axeViolations } from './axe'
import { chooseLanguage, expect, labRow, labRows, runScriptSource, test } from './fixtures'

const SCRIPT = `
import { Process, Lock, Queue, Event, sleep } from 'proclab'

export async function holder(lock, held) {
  await lock.acquire()
  await held.set()
  await sleep(600_000)
}

export async function waiter(lock, held) {
  await held.wait()
  await lock.acquire()
}

export async function sleeper() {
  await sleep(600_000)
}

export async function parent() {
  const child = new Process({ target: sleeper, name: 'napper' })
  await child.start()
  await child.join()
}

export default async function main() {
  const lock = new Lock({ name: 'printer-lock' })
  const held = new Event({ name: 'held' })
  const orders = new Queue(0, { name: 'orders' })
  for (const p of [
    new Process({ target: holder, args: [lock, held], name: 'holder' }),
    new Process({ target: waiter, args: [lock, held], name: 'waiter' }),
    new Process({ target: parent, name: 'parent' }),
  ]) await p.start()
  await orders.get()
}
`

const state = (row: ReturnType<typeof labRow>) => row.locator('[data-col="state"]')

test('the State column says what each process waits for, and for how long', async ({ app }) => {
  await runScriptSource(app, SCRIPT, 'activity.mjs')
  await expect(labRows(app)).toHaveCount(5)
  // The cell says it in a word, as narrow as 'running'; its title says it whole, with the time waited.
  await expect(state(labRow(app, 'waiter'))).toHaveText('waiting')
  await expect(state(labRow(app, 'waiter'))).toHaveAttribute('title', /^waiting for printer-lock \(\d/)
  await expect(state(labRow(app, 'MainProcess'))).toHaveText('waiting')
  await expect(state(labRow(app, 'MainProcess'))).toHaveAttribute('title', /^waiting in get on orders \(\d/)
  await expect(state(labRow(app, 'napper'))).toHaveText('sleeping')
  await expect(state(labRow(app, 'parent'))).toHaveText('joining')
  await expect(state(labRow(app, 'parent'))).toHaveAttribute('title', /^joining napper \(\d/)
  // The holder holds the lock and sleeps: sleeping is what it is doing.
  await expect(state(labRow(app, 'holder'))).toHaveText('sleeping')
  // The details drawer says it whole.
  await labRow(app, 'waiter').click()
  await expect(app.getByTestId('activity')).toHaveText(/^waiting for printer-lock \(\d/)
  expect(await axeViolations(app, { include: ['table.lab-tree'] })).toEqual([])
  await chooseLanguage(app, 'zh')
  await expect(state(labRow(app, 'waiter'))).toHaveText('等待中')
  await expect(state(labRow(app, 'waiter'))).toHaveAttribute('title', /^等待 printer-lock（/)
  await expect(state(labRow(app, 'MainProcess'))).toHaveAttribute('title', /^在 orders 上的 get 中等待（/)
})
