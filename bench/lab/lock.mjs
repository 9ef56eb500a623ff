// The public Lock of 'proclab' (on the shared-memory word since issue 15; PROCLAB_SHARED_MEMORY=off
// for the brokered one). mode 'contended': W processes each doing `iterations` acquire + release
// back to back, timed in the lab main from "go" to the last worker's "done"; mode 'uncontended':
// the lab main alone doing `iterations` acquire + release. The figure is operations a second (one
// operation = one acquire and its release). Python's twins: lock and lock-uncontended in mp_bench.py.
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

async function uncontended(lock, iterations) {
  const t0 = performance.now()
  for (let i = 0; i < iterations; i++) {
    await lock.acquire()
    await lock.release()
  }
  return { workers: 1, ops: iterations, seconds: (performance.now() - t0) / 1000 }
}

export default async function main() {
  const { mode, workers, iterations } = params({ mode: 'contended', workers: 4, iterations: 5_000 })
  const lock = new Lock()
  if (mode === 'uncontended') {
    const timed = await uncontended(lock, iterations)
    return report({ workload: 'lock-uncontended', ...timed, perSecond: timed.ops / timed.seconds })
  }
  const line = startLine()
  const children = Array.from({ length: workers }, () => new Process({ target: worker, args: [lock, line.ready, line.go, line.done, iterations] }))
  const { total: ops, seconds } = await timeFromGo(children, line, workers)
  report({ workload: 'lock', workers, ops, seconds, perSecond: ops / seconds })
}
