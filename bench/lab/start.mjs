// Process start + join of a no-op target, one after another: the time of each start() + join()
// as the lab main sees it. Python's twin: start in mp_bench.py; the floor: bench/node/bare-fork.mjs.
// With { method: 'warm' } (row start-warm, against Python's fork), one untimed start first: the
// timed loop measures the steady state, each start handed a spare forked during the previous one.
import { Process, setStartMethod } from 'proclab'
import { params, report, summarize } from './_bench.mjs'

export function noop() {}

async function startJoin() {
  const p = new Process({ target: noop })
  await p.start()
  await p.join()
  if (p.exitCode !== 0) throw new Error(`no-op child exited with ${p.exitCode}`)
}

export default async function main() {
  const { runs, method } = params({ runs: 20, method: 'spawn' })
  setStartMethod(method)
  if (method === 'warm') await startJoin()
  const times = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    await startJoin()
    times.push(performance.now() - t0)
  }
  report({ workload: 'start', method, ...summarize(times) })
}
