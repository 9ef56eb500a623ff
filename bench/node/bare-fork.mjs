// The floor for process start + join from Node: child_process.fork of an empty script, then wait
// for its exit, one after another. Prints `BENCH {json}` like the lab workloads.
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const { runs = 20 } = JSON.parse(process.argv[2] ?? '{}')
const empty = fileURLToPath(new URL('./empty.cjs', import.meta.url))
const times = []
for (let i = 0; i < runs; i++) {
  const t0 = performance.now()
  const child = fork(empty, [], { stdio: 'ignore' })
  const code = await new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (exitCode) => resolve(exitCode))
  })
  times.push(performance.now() - t0)
  if (code !== 0) throw new Error(`empty child exited with ${code}`)
}
const sorted = [...times].sort((a, b) => a - b)
const meanMs = times.reduce((sum, t) => sum + t, 0) / runs
console.log(`BENCH ${JSON.stringify({ workload: 'bare-fork', runs, meanMs, medianMs: sorted[Math.floor(runs / 2)], minMs: sorted[0] })}`)
