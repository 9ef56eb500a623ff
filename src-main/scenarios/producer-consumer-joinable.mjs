// Producers and consumers around a JoinableQueue. Consumers confirm each bun with taskDone(), and
// join() on the queue waits until every bun put has been confirmed. The consumers are daemons that
// loop forever: once main has seen all work done, it simply returns, and its daemonic consumers
// are ended with it (exit code -15). No timeout, no sentinel.
import { JoinableQueue, Process, currentProcess, sleep } from 'proclab'

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
    await pause(100, 200)
    console.log(`${me} ate ${bun}`)
    await buns.taskDone()
  }
}

export default async function main() {
  const buns = new JoinableQueue(0, { name: 'buns' })
  const producers = Array.from({ length: PRODUCERS }, (_, i) => new Process({ target: producer, args: [buns], name: `producer-${i + 1}` }))
  const consumers = Array.from({ length: CONSUMERS }, (_, i) => new Process({ target: consumer, args: [buns], name: `consumer-${i + 1}`, daemon: true }))
  for (const p of [...producers, ...consumers]) await p.start()
  for (const p of producers) await p.join()
  console.log(`producers are done (exit codes ${producers.map((p) => p.exitCode).join(', ')}); waiting until every bun is confirmed with taskDone()`)
  await buns.join()
  console.log('every bun was eaten and confirmed; main returns, and the daemonic consumers end with it')
}
