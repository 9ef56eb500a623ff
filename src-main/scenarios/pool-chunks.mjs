// What chunkSize changes: the same 2,000 tiny tasks through Pool.map three times. With chunkSize 1
// every task is one message to a worker and one back; with the default (Python's: about four chunks
// per worker) or a big chunk, a few messages carry them all, and the pool's cost per task falls.
import { Pool, lang } from 'proclab'

const TASKS = 2000
const WORKERS = 2

const say = {
  en: {
    plan: `${TASKS} tiny tasks on ${WORKERS} workers, three chunk sizes`,
    line: (label, chunks, seconds) => `${label}: ${chunks} chunks sent, ${seconds.toFixed(2)} s, ${(seconds / TASKS * 1e6).toFixed(0)} µs per task`,
    chunk1: 'chunkSize 1',
    auto: (size) => `default (${size})`,
    big: (size) => `chunkSize ${size}`,
    same: (ok) => (ok ? 'the results are the same, in the same order, every time' : 'the results DIFFER'),
    lesson: 'the work is the same; what costs is one message per chunk: bigger chunks, fewer messages',
  },
  zh: {
    plan: `${TASKS} 个极小任务，${WORKERS} 个工作进程，三种 chunkSize`,
    line: (label, chunks, seconds) => `${label}：发送了 ${chunks} 个分块，${seconds.toFixed(2)} 秒，每个任务 ${(seconds / TASKS * 1e6).toFixed(0)} 微秒`,
    chunk1: 'chunkSize 1',
    auto: (size) => `默认（${size}）`,
    big: (size) => `chunkSize ${size}`,
    same: (ok) => (ok ? '每次的结果都相同，顺序也相同' : '结果不同'),
    lesson: '工作量相同；开销在于每个分块一条消息：分块越大，消息越少',
  },
}[lang]

export function tiny(x) {
  return x * 3 + 1
}

async function timed(pool, chunkSize) {
  const before = pool.stats().chunksSent
  const t0 = performance.now()
  const results = await pool.map(tiny, Array.from({ length: TASKS }, (_, i) => i), chunkSize)
  return { results, seconds: (performance.now() - t0) / 1000, chunks: pool.stats().chunksSent - before }
}

export default async function main() {
  const pool = new Pool(WORKERS)
  console.log(say.plan)
  await pool.map(tiny, [0, 1], 1) // the workers are up before the first timing
  const defaultSize = Math.ceil(TASKS / (WORKERS * 4))
  const runs = [
    [say.chunk1, await timed(pool, 1)],
    [say.auto(defaultSize), await timed(pool, undefined)],
    [say.big(TASKS / WORKERS), await timed(pool, TASKS / WORKERS)],
  ]
  for (const [label, run] of runs) console.log(say.line(label, run.chunks, run.seconds))
  const first = JSON.stringify(runs[0][1].results)
  console.log(say.same(runs.every(([, run]) => JSON.stringify(run.results) === first)))
  console.log(say.lesson)
  pool.close()
  await pool.join()
}
