// Producers and consumers around a Queue, the buffer between them. Producers make buns at their
// own pace and put them in; consumers take them out and eat. Neither side knows the other. Here a
// consumer stops when the queue has stayed empty for a while (get with a timeout throws Empty):
// simple, but it is a guess. Too short and a slow producer's buns are left uneaten; too long and
// everyone waits for nothing at the end.
import { Empty, Process, Queue, currentProcess, sleep } from 'proclab'

const PRODUCERS = 2
const CONSUMERS = 3
const BUNS_EACH = 6
const GIVE_UP_MS = 2000

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
    let bun
    try {
      bun = await buns.get({ timeout: GIVE_UP_MS })
    } catch (error) {
      if (!(error instanceof Empty)) throw error
      console.log(`${me}: nothing for ${GIVE_UP_MS} ms, going home`)
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
  // Producers first, so the consumers' timeout does not run out before the first bun.
  for (const p of [...producers, ...consumers]) await p.start()
  for (const p of [...producers, ...consumers]) await p.join()
  console.log(`exit codes: ${[...producers, ...consumers].map((p) => `${p.name} ${p.exitCode}`).join(', ')}`)
  console.log(`buns left in the queue: ${await buns.qsize()}; each consumer stopped after ${GIVE_UP_MS} ms without a bun`)
}
