// Parallel join: start every child first, then join them. The joins overlap with the sleeps,
// so the run lasts as long as the slowest child (~3 s), not the sum.
import { Process, sleep } from 'proclab'

export async function nap(label, seconds) {
  await sleep(seconds * 1000)
  console.log(`child ${label} woke after ${seconds} s`)
}

export default async function main() {
  const started = performance.now()
  const children = [1, 2, 3].map((seconds) => new Process({ target: nap, args: [String(seconds), seconds] }))
  for (const child of children) await child.start()
  for (const child of children) await child.join()
  const elapsed = (performance.now() - started) / 1000
  console.log(`main continues after ${elapsed.toFixed(2)} s; exit codes: ${children.map((c) => c.exitCode).join(', ')}`)
}
