// Process start + join of a no-op target, one after another: the time of each start() + join()
// as the lab main sees it. Python's twin: start in mp_bench.py; the floor: bench/node/bare-fork.mjs.
import { Process } from 'proclab'
import { params, report, summarize } from './_bench.mjs'

export function noop() {}

export default async function main() {
  const { runs } = params({ runs: 20 })
  const times = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    const p = new Process({ target: noop })
    await p.start()
    await p.join()
    times.push(performance.now() - t0)
    if (p.exitCode !== 0) throw new Error(`no-op child exited with ${p.exitCode}`)
  }
  report({ workload: 'start', ...summarize(times) })
}
