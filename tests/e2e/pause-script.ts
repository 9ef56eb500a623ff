// The lab script the pause tests and the pause screenshot run: a producer and a consumer share the
// queue "orders" (a lock counts what was eaten) until the test writes the `finish` flag file.
export function producerConsumerScript(finish: string): string {
  return `
import { existsSync } from 'node:fs'
import { Lock, Process, Queue, sleep } from 'proclab'
const FINISH = ${JSON.stringify(finish)}
export async function producer(q) {
  let n = 0
  while (!existsSync(FINISH)) { await q.put(n++); await sleep(20) }
  await q.put(null)
}
export async function consumer(q, tally) {
  let count = 0
  while ((await q.get()) !== null) await tally.withLock(async () => count++)
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
