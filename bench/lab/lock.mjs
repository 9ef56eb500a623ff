// A Lock contended by W processes, each doing `iterations` acquire + release back to back.
// Timed in the lab main from "go" to the last worker's "done"; the figure is total operations a
// second (one operation = one acquire and its release). Python's twin: lock in mp_bench.py.
import { Event, Lock, Process, Queue } from 'proclab'
import { params, report } from './_bench.mjs'

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
  const ready = new Queue()
  const done = new Queue()
  const go = new Event()
  const children = Array.from({ length: workers }, () => new Process({ target: worker, args: [lock, ready, go, done, iterations] }))
  for (const child of children) await child.start()
  for (let i = 0; i < workers; i++) await ready.get()
  const t0 = performance.now()
  await go.set()
  let ops = 0
  for (let i = 0; i < workers; i++) ops += await done.get()
  const seconds = (performance.now() - t0) / 1000
  for (const child of children) await child.join()
  report({ workload: 'lock', workers, ops, seconds, perSecond: ops / seconds })
}
