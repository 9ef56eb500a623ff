// Shared by the ProcLab workload scripts: the parameters `proclab bench` passes in the
// environment, and the one line each workload prints with its timing.
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
