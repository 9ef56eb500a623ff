// The shared-memory lock word (src-main/lab/shm, issue 15; not yet behind the public Lock), timed
// as lock.mjs times the brokered Lock. mode 'contended': W processes each doing `iterations`
// acquire + release back to back, from "go" to the last "done"; mode 'uncontended': the lab main
// alone doing `iterations` acquire + release. Each process's holder id is its pid. Python's twins:
// lock and lock-uncontended in mp_bench.py.
import { Process } from 'proclab'
import { params, report, startLine, timeFromGo } from './_bench.mjs'

// The build's entry for the shm module (out/main/lab-shm.js): the public 'proclab' does not export it yet.
const { SharedLock, SharedSegment } = await import(new URL('../../out/main/lab-shm.js', import.meta.url).href)
const LOCK = 4

export async function worker(address, ready, go, done, iterations) {
  const segment = SharedSegment.open(address)
  const lock = new SharedLock(segment, LOCK)
  const id = process.pid
  await ready.put(1)
  await go.wait()
  for (let i = 0; i < iterations; i++) {
    lock.acquire(id)
    lock.release(id)
  }
  segment.close()
  await done.put(iterations)
}

async function contended(segment, workers, iterations) {
  const line = startLine()
  const children = Array.from({ length: workers }, () => new Process({ target: worker, args: [segment.address, line.ready, line.go, line.done, iterations] }))
  const { total: ops, seconds } = await timeFromGo(children, line, workers)
  return { workers, ops, seconds }
}

function uncontended(segment, iterations) {
  const lock = new SharedLock(segment, LOCK)
  const id = process.pid
  const t0 = performance.now()
  for (let i = 0; i < iterations; i++) {
    lock.acquire(id)
    lock.release(id)
  }
  return { workers: 1, ops: iterations, seconds: (performance.now() - t0) / 1000 }
}

export default async function main() {
  const { mode, workers, iterations } = params({ mode: 'contended', workers: 4, iterations: 50_000 })
  const segment = SharedSegment.create(64)
  try {
    const timed = mode === 'uncontended' ? uncontended(segment, iterations) : await contended(segment, workers, iterations)
    report({ workload: `shm-lock-${mode}`, waitKind: segment.waitKind, ...timed, perSecond: timed.ops / timed.seconds })
  } finally {
    segment.unlink()
    segment.close()
  }
}
