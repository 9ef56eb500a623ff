// The lab script of the Step test (issue 17): the producer puts 400 numbers into the queue "orders"
// at once, then waits for the test's `finish` flag file to put the end mark; the consumer, slow on
// purpose (it sleeps between items), takes one item at a time and counts it under the lock "tally".
// So a pause finds the consumer with items waiting (a stepped get never waits for the paused
// producer) and, most likely, in its sleep.
export function stepScript(finish: string): string {
  return `import { existsSync } from 'node:fs'
import { Lock, Process, Queue, sleep } from 'proclab'
const FINISH = ${JSON.stringify(finish)}
export async function producer(q) {
  for (let i = 1; i <= 400; i++) await q.put(i)
  while (!existsSync(FINISH)) await sleep(50)
  await q.put(null)
}
export async function consumer(q, tally) {
  let count = 0
  for (;;) {
    await sleep(40)
    const item = await q.get()
    if (item === null) break
    await tally.withLock(async () => count++)
  }
  console.log('consumed ' + count)
}
export default async function main() {
  const q = new Queue(0, { name: 'orders' })
  const tally = new Lock({ name: 'tally' })
  const ps = [new Process({ target: producer, args: [q], name: 'producer' }), new Process({ target: consumer, args: [q, tally], name: 'consumer' })]
  for (const p of ps) await p.start()
  for (const p of ps) await p.join()
}
`
}

/** The 1-based number of the first line of `source` that holds `text`. */
export function lineOf(source: string, text: string): number {
  const index = source.split('\n').findIndex((line) => line.includes(text))
  if (index === -1) throw new Error(`no line holds ${text}`)
  return index + 1
}
