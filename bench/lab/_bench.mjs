// Shared by the ProcLab workload scripts: the parameters `proclab bench` passes in the
// environment, the start line the children wait at, and the one line each workload prints.
import { Event, Queue } from 'proclab'

export function params(defaults) {
  const raw = process.env.PROCLAB_BENCH_PARAMS
  return { ...defaults, ...(raw ? JSON.parse(raw) : {}) }
}

export function report(result) {
  console.log(`BENCH ${JSON.stringify(result)}`)
}

/** A payload of `size` bytes, or a small object when size is 0 (the "small item" of the workloads). */
export function makeItem(size, i) {
  return size > 0 ? Buffer.alloc(size, i & 0xff) : { i, text: 'x' }
}

/** Mean, median and min of a list of times in ms. */
export function summarize(times) {
  const sorted = [...times].sort((a, b) => a - b)
  const mean = times.reduce((sum, t) => sum + t, 0) / times.length
  return { runs: times.length, meanMs: mean, medianMs: sorted[Math.floor(sorted.length / 2)], minMs: sorted[0] }
}

/** What the children's targets get: each puts to `ready` once up, waits for `go`, and puts its count to `done`. */
export function startLine() {
  return { ready: new Queue(), go: new Event(), done: new Queue() }
}

/**
 * Starts the children and waits until each is ready, so process start-up is not timed; then times
 * from "go" to `answers` counts on `done`, and returns their sum and the seconds. Joins afterwards.
 */
export async function timeFromGo(children, line, answers) {
  for (const child of children) await child.start()
  for (let i = 0; i < children.length; i++) await line.ready.get()
  const t0 = performance.now()
  await line.go.set()
  let total = 0
  for (let i = 0; i < answers; i++) total += await line.done.get()
  const seconds = (performance.now() - t0) / 1000
  for (const child of children) await child.join()
  return { total, seconds }
}
