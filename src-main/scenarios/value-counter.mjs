// A shared counter (a Value in shared memory) that four processes add 1 to, many times over. First
// with a bare `counter.value += 1`: that is a read and then a write, and when two processes read
// the same number between each other's read and write, one +1 is lost. Then the same loop holding
// `counter.getLock()` around each +1: nothing is lost, the total is exact.
import { Barrier, Process, Value, currentProcess, lang } from 'proclab'

const WORKERS = 4
const TIMES = 100_000

const say = {
  en: {
    start: (locked) => (locked ? `round 2: ${WORKERS} processes × ${TIMES} × (counter.value += 1) holding counter.getLock()` : `round 1: ${WORKERS} processes × ${TIMES} × (counter.value += 1), no lock`),
    done: (me) => `${me} done`,
    total: (locked, total) =>
      `${locked ? 'with the lock' : 'without a lock'}: counter.value = ${total} of ${WORKERS * TIMES}` +
      (total === WORKERS * TIMES ? ' (exact)' : ` (${WORKERS * TIMES - total} updates lost)`),
  },
  zh: {
    start: (locked) => (locked ? `第二轮：${WORKERS} 个进程各做 ${TIMES} 次 counter.value += 1，每次都持有 counter.getLock()` : `第一轮：${WORKERS} 个进程各做 ${TIMES} 次 counter.value += 1，不加锁`),
    done: (me) => `${me} 完成`,
    total: (locked, total) =>
      `${locked ? '加锁' : '不加锁'}：counter.value = ${total}，应为 ${WORKERS * TIMES}` + (total === WORKERS * TIMES ? '（准确）' : `（丢失了 ${WORKERS * TIMES - total} 次更新）`),
  },
}[lang]

export async function addOne(counter, startTogether, locked) {
  await startTogether.wait()
  if (locked) {
    const lock = counter.getLock()
    for (let i = 0; i < TIMES; i++) {
      await lock.acquire()
      counter.value += 1
      lock.release()
    }
  } else {
    for (let i = 0; i < TIMES; i++) counter.value += 1
  }
  console.log(say.done(currentProcess().name))
}

async function round(locked) {
  console.log(say.start(locked))
  const counter = new Value('i', 0, { name: locked ? 'counter-locked' : 'counter-unlocked' })
  // A barrier as the starting gun: all four count at the same time, not one after another.
  const startTogether = new Barrier(WORKERS, { name: locked ? 'start-locked' : 'start-unlocked' })
  const workers = Array.from({ length: WORKERS }, (_, i) => new Process({ target: addOne, args: [counter, startTogether, locked], name: `${locked ? 'locked' : 'racer'}-${i + 1}` }))
  for (const worker of workers) await worker.start()
  for (const worker of workers) await worker.join()
  const total = counter.value
  console.log(say.total(locked, total))
  return total
}

export default async function main() {
  await round(false)
  await round(true)
}
