// Pool.map throughput: a pool of `workers` processes maps a small function over n integers
// (chunkSize as given, else the Python default of about four chunks per worker). Timed in the lab
// main from the moment every worker has answered once (so worker start-up is not in the figure) to
// the last result. Python's twin: pool_map in bench/python/mp_bench.py.
import { Barrier, Pool } from 'proclab'
import { params, report } from './_bench.mjs'

/** The task: a little arithmetic, so the figure is the pool's cost per task, not the CPU's speed. */
export function task(x) {
  return (x * x) % 7919
}

/** Each worker takes one and waits for all the others: then every worker is up. */
export async function warmUp(allUp) {
  await allUp.wait()
}

export default async function main() {
  const { n, workers, chunkSize } = params({ n: 200_000, workers: 4, chunkSize: null })
  const pool = new Pool(workers)
  const allUp = new Barrier(workers)
  await pool.map(warmUp, Array.from({ length: workers }, () => allUp), 1)
  const items = Array.from({ length: n }, (_, i) => i)
  const t0 = performance.now()
  const results = await pool.map(task, items, chunkSize ?? undefined)
  const seconds = (performance.now() - t0) / 1000
  pool.close()
  await pool.join()
  if (results.length !== n || results[n - 1] !== task(n - 1)) throw new Error('pool-map: wrong results')
  report({ workload: 'pool-map', n, workers, chunkSize, seconds, perSecond: n / seconds })
}
