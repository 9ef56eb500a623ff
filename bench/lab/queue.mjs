// Queue throughput 1 -> 1: one producer process puts N items, one consumer process gets them.
// Timed in the lab main from "go" (both children are up and waiting) to the consumer's "done",
// so process start-up is not in the figure. Python's twin: bench/python/queue_bench.py.
import { Event, Process, Queue } from 'proclab'
import { makeItem, params, report } from './_bench.mjs'

export async function producer(q, ready, go, n, size) {
  await ready.put('producer')
  await go.wait()
  if (size > 0) {
    const payload = makeItem(size, 1)
    for (let i = 0; i < n; i++) await q.put(payload)
  } else {
    for (let i = 0; i < n; i++) await q.put({ i, text: 'x' })
  }
}

export async function consumer(q, ready, go, done, n) {
  await ready.put('consumer')
  await go.wait()
  let count = 0
  for (let i = 0; i < n; i++) {
    await q.get()
    count++
  }
  await done.put(count)
}

export default async function main() {
  const { n, size } = params({ n: 200_000, size: 0 })
  const q = new Queue()
  const ready = new Queue()
  const done = new Queue()
  const go = new Event()
  const children = [new Process({ target: producer, args: [q, ready, go, n, size] }), new Process({ target: consumer, args: [q, ready, go, done, n] })]
  for (const child of children) await child.start()
  await ready.get()
  await ready.get()
  const t0 = performance.now()
  await go.set()
  const count = await done.get()
  const seconds = (performance.now() - t0) / 1000
  for (const child of children) await child.join()
  report({ workload: 'queue', n: count, size, seconds, perSecond: count / seconds, mbPerSecond: (count * size) / seconds / 1e6 })
}
