// A Value incremented under its own lock by W processes (issue 15's row value-lock): each does
// `iterations` × (acquire; counter.value += 1; release), timed from "go" to the last "done".
// Python's twin: value-lock in mp_bench.py, `with v.get_lock(): v.value += 1`. The count must come
// out exact, or the figure is refused.
import { Process, Value } from 'proclab'
import { params, report, startLine, timeFromGo } from './_bench.mjs'

export async function worker(counter, ready, go, done, iterations) {
  const lock = counter.getLock()
  await ready.put(1)
  await go.wait()
  for (let i = 0; i < iterations; i++) {
    await lock.acquire()
    counter.value += 1
    lock.release()
  }
  await done.put(iterations)
}

export default async function main() {
  const { workers, iterations } = params({ workers: 4, iterations: 50_000 })
  const counter = new Value('i', 0, { name: 'counter' })
  const line = startLine()
  const children = Array.from({ length: workers }, () => new Process({ target: worker, args: [counter, line.ready, line.go, line.done, iterations] }))
  const { total: ops, seconds } = await timeFromGo(children, line, workers)
  if (counter.value !== ops) throw new Error(`the counter reads ${counter.value} after ${ops} locked increments`)
  report({ workload: 'value-lock', workers, ops, seconds, perSecond: ops / seconds })
}
