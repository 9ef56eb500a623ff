// Queue throughput: P producer processes put N items between them, C consumer processes get them
// (1 -> 1 unless asked). Timed in the lab main from "go" (every child is up and waiting) to the
// last consumer's "done", so process start-up is not in the figure. N is a multiple of P and C. Python's twin: bench/python/queue_bench.py.
import { Process, Queue } from 'proclab'
import { makeItem, params, report, startLine, timeFromGo } from './_bench.mjs'

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
  const { n, size, producers, consumers } = params({ n: 200_000, size: 0, producers: 1, consumers: 1 })
  const q = new Queue()
  const { ready, go, done } = startLine()
  const children = [
    ...Array.from({ length: producers }, () => new Process({ target: producer, args: [q, ready, go, n / producers, size] })),
    ...Array.from({ length: consumers }, () => new Process({ target: consumer, args: [q, ready, go, done, n / consumers] })),
  ]
  const { total: count, seconds } = await timeFromGo(children, { ready, go, done }, consumers)
  report({ workload: 'queue', n: count, size, producers, consumers, seconds, perSecond: count / seconds, mbPerSecond: (count * size) / seconds / 1e6 })
}
