// Process start + join of a no-op target, one after another: the time of each start() + join()
// as the lab main sees it. Python's twin: start in mp_bench.py; the floor: bench/node/bare-fork.mjs.
// With { method: 'warm' } (row start-warm, against Python's fork), one untimed start first: the
// timed loop measures the steady state, each start handed a spare forked during the previous one.
// With { pauseMs } an untimed pause between starts gives the next spare time to boot (row
// start-warm-paused): what a start costs when a spare is waiting, as in a program that does work
// between its starts.
import { Process, setStartMethod, sleep } from 'proclab'
import { params, report, summarize } from './_bench.mjs'

export function noop() {}

async function startJoin() {
  const p = new Process({ target: noop })
  await p.start()
  await p.join()
  if (p.exitCode !== 0) throw new Error(`no-op child exited with ${p.exitCode}`)
}

export default async function main() {
  const { runs, method, pauseMs } = params({ runs: 20, method: 'spawn', pauseMs: 0 })
  setStartMethod(method)
  if (method === 'warm') await startJoin()
  const times = []
  for (let i = 0; i < runs; i++) {
    if (pauseMs > 0) await sleep(pauseMs)
    const t0 = performance.now()
    await startJoin()
    times.push(performance.now() - t0)
  }
  report({ workload: 'start', method, pauseMs, ...summarize(times) })
}
