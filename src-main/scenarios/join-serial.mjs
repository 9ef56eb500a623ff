// Serial join: each child is joined before the next one starts, so they cannot overlap and the
// run takes the sum of the sleeps (~6 s). Compare with the 'join' scenario.
import { Process, sleep } from 'proclab'

export async function nap(label, seconds) {
  await sleep(seconds * 1000)
  console.log(`child ${label} woke after ${seconds} s`)
}

export default async function main() {
  const started = performance.now()
  for (const seconds of [1, 2, 3]) {
    const child = new Process({ target: nap, args: [String(seconds), seconds] })
    await child.start()
    await child.join()
  }
  const elapsed = (performance.now() - started) / 1000
  console.log(`main continues after ${elapsed.toFixed(2)} s`)
}
