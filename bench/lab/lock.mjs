// A Lock contended by W processes, each doing `iterations` acquire + release back to back.
// Timed in the lab main from "go" to the last worker's "done"; the figure is total operations a
// second (one operation = one acquire and its release). Python's twin: lock in mp_bench.py.
import { Lock, Process } from 'proclab'
import { params, report, startLine, timeFromGo } from './_bench.mjs'

export async function worker(lock, ready, go, done, iterations) {
  await ready.put(1)
  await go.wait()
  for (let i = 0; i < iterations; i++) {
    await lock.acquire()
    await lock.release()
  }
  await done.put(iterations)
}

export default async function main() {
  const { workers, iterations } = params({ workers: 4, iterations: 5_000 })
  const lock = new Lock()
  const line = startLine()
  const children = Array.from({ length: workers }, () => new Process({ target: worker, args: [lock, line.ready, line.go, line.done, iterations] }))
  const { total: ops, seconds } = await timeFromGo(children, line, workers)
  report({ workload: 'lock', workers, ops, seconds, perSecond: ops / seconds })
}
