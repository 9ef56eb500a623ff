// Producers and consumers around a Queue, stopped by a sentinel instead of a timeout. When every
// producer has finished (main joins them), main puts one `null` per consumer. A consumer that
// gets null knows the work is over. Nobody guesses, nobody waits longer than needed, and every
// bun is eaten, since the nulls queue up behind the last real bun.
import { Process, Queue, currentProcess, sleep } from 'proclab'

const PRODUCERS = 2
const CONSUMERS = 3
const BUNS_EACH = 6

const pause = (min, max) => sleep(min + Math.floor(Math.random() * (max - min)))

export async function producer(buns) {
  const me = currentProcess().name
  for (let i = 1; i <= BUNS_EACH; i++) {
    await pause(50, 150)
    const bun = `${me}/bun-${i}`
    await buns.put(bun)
    console.log(`${me} made ${bun}`)
  }
}

export async function consumer(buns) {
  const me = currentProcess().name
  for (;;) {
    const bun = await buns.get()
    if (bun === null) {
      console.log(`${me}: got the stop sign (null), going home`)
      return
    }
    console.log(`${me} ate ${bun}`)
    await pause(100, 200)
  }
}

export default async function main() {
  const buns = new Queue(0, { name: 'buns' })
  const producers = Array.from({ length: PRODUCERS }, (_, i) => new Process({ target: producer, args: [buns], name: `producer-${i + 1}` }))
  const consumers = Array.from({ length: CONSUMERS }, (_, i) => new Process({ target: consumer, args: [buns], name: `consumer-${i + 1}` }))
  for (const p of [...producers, ...consumers]) await p.start()
  for (const p of producers) await p.join()
  console.log(`all producers are done; putting ${CONSUMERS} stop signs (one per consumer)`)
  for (let i = 0; i < CONSUMERS; i++) await buns.put(null)
  for (const c of consumers) await c.join()
  console.log(`exit codes: ${[...producers, ...consumers].map((p) => `${p.name} ${p.exitCode}`).join(', ')}`)
}
