// N processes started at once (every start() issued before any is awaited), then all joined.
// Python's twin: start-many in mp_bench.py (p.start() for each, then p.join() for each).
import { Process } from 'proclab'
import { params, report } from './_bench.mjs'

export function noop() {}

export default async function main() {
  const { n } = params({ n: 100 })
  const t0 = performance.now()
  const children = Array.from({ length: n }, () => new Process({ target: noop }))
  await Promise.all(children.map((child) => child.start()))
  await Promise.all(children.map((child) => child.join()))
  const seconds = (performance.now() - t0) / 1000
  const failed = children.filter((child) => child.exitCode !== 0).length
  if (failed) throw new Error(`${failed} of ${n} children did not exit with 0`)
  report({ workload: 'start-many', n, seconds })
}
