// A Pool spreads a CPU-bound map over worker processes. The same 8 tasks run first on a pool of
// one worker, then on a pool of n (one per CPU, at least 2): each task is pure computation, so n
// workers on n free cores finish in about 1/n of the time. The timeline shows each worker busy.
import { availableParallelism } from 'node:os'
import { Barrier, Pool, currentProcess, lang } from 'proclab'

const TASKS = 8
/** Each task counts the primes in its own stretch of this many numbers (about 0.2-0.5 s of one core). */
const STRETCH = 1_000_000

const say = {
  en: {
    plan: (tasks, n) => `${tasks} tasks, each counting primes in a stretch of ${STRETCH.toLocaleString('en')} numbers; then on 1 worker and on ${n}`,
    time: (workers, s) => `${workers} worker${workers === 1 ? ' ' : 's'}: ${s.toFixed(2)} s`,
    speedUp: (x, n) => `speed-up with ${n} workers: ${x.toFixed(1)}x (the ideal is ${n}x on ${n} free cores; other programs on the machine take their share)`,
    results: (values) => `results, in the order of the tasks: ${values.join(', ')}`,
    same: (ok) => (ok ? 'both pools gave the same results, in the same order' : 'the two pools gave DIFFERENT results'),
    perWorker: (counts) => `tasks per worker: ${counts}`,
  },
  zh: {
    plan: (tasks, n) => `${tasks} 个任务，每个统计一段 ${STRETCH} 个数中的素数；先用 1 个工作进程，再用 ${n} 个`,
    time: (workers, s) => `${workers} 个工作进程：${s.toFixed(2)} 秒`,
    speedUp: (x, n) => `${n} 个工作进程的加速比：${x.toFixed(1)} 倍（在 ${n} 个空闲核心上理想值为 ${n} 倍；机器上的其他程序也会占用 CPU）`,
    results: (values) => `按任务顺序的结果：${values.join(', ')}`,
    same: (ok) => (ok ? '两个进程池的结果相同，顺序也相同' : '两个进程池的结果不同'),
    perWorker: (counts) => `每个工作进程完成的任务数：${counts}`,
  },
}[lang]

/** Counts the primes in [start, start + STRETCH) by trial division: work for a CPU, nothing else. */
export function countPrimes(task) {
  const start = task * STRETCH
  let count = 0
  for (let n = Math.max(2, start); n < start + STRETCH; n++) {
    let prime = true
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) {
        prime = false
        break
      }
    }
    if (prime) count++
  }
  return { count, worker: currentProcess().name }
}

/** Every worker takes one of these and waits for the others: once all answered, all n are up. */
export async function warmUp(allUp) {
  await allUp.wait()
}

async function timedMap(workers) {
  const pool = new Pool(workers)
  // Start-up is not what this lesson times: wait until every worker has answered once.
  const allUp = new Barrier(workers)
  await pool.map(warmUp, Array.from({ length: workers }, () => allUp), 1)
  const t0 = performance.now()
  const results = await pool.map(countPrimes, Array.from({ length: TASKS }, (_, i) => i), 1)
  const seconds = (performance.now() - t0) / 1000
  pool.close()
  await pool.join()
  console.log(say.time(workers, seconds))
  return { results, seconds }
}

export default async function main() {
  const n = Math.max(2, Math.min(TASKS, availableParallelism()))
  console.log(say.plan(TASKS, n))
  const one = await timedMap(1)
  const many = await timedMap(n)
  console.log(say.speedUp(one.seconds / many.seconds, n))
  const counts = many.results.map((r) => r.count)
  console.log(say.results(counts))
  console.log(say.same(JSON.stringify(counts) === JSON.stringify(one.results.map((r) => r.count))))
  const perWorker = new Map()
  for (const { worker } of many.results) perWorker.set(worker, (perWorker.get(worker) ?? 0) + 1)
  console.log(say.perWorker([...perWorker].map(([name, tasks]) => `${name} ${tasks}`).join(', ')))
}
