// Five philosophers around a table, one fork (a Lock) between each two. Each picks up the fork on
// the left, then the one on the right. If all five pick up their left fork at the same moment,
// every right fork is taken and nobody can eat, ever: a cycle of five waits. A Barrier after the
// left fork makes that moment certain here. The broker names the cycle; main waits a few seconds,
// says so, and terminates them. See dining-philosophers-fixed for the one-line cure.
import { Barrier, Lock, Process, Queue, currentProcess, lang, sleep } from 'proclab'

const SEATS = 5
const PATIENCE_MS = 3000

// The printed lines in English and Chinese: `lang` is the language the run was started in.
const say = {
  en: {
    left: (me, fork) => `${me}: picked up ${fork} (left)`,
    right: (me, fork) => `${me}: waiting for ${fork} (right)`,
    eats: (me) => `${me}: eating`,
    stuck: (n) => `main: ${n} philosophers still hungry after ${PATIENCE_MS / 1000} s, each holding one fork: a deadlock. Terminating them.`,
    fine: 'main: everyone ate (this time)',
  },
  zh: {
    left: (me, fork) => `${me}：拿起了 ${fork}（左手）`,
    right: (me, fork) => `${me}：等待 ${fork}（右手）`,
    eats: (me) => `${me}：正在吃`,
    stuck: (n) => `主进程：${PATIENCE_MS / 1000} 秒后仍有 ${n} 位哲学家饿着，每人手里一把叉子：死锁。终止他们。`,
    fine: '主进程：每个人都吃到了（这一次）',
  },
}[lang]

export async function philosopher(left, right, allHoldLeft, waiting) {
  const me = currentProcess().name
  await left.acquire()
  console.log(say.left(me, left.name))
  await allHoldLeft.wait()
  console.log(say.right(me, right.name))
  await waiting.put(me)
  await right.acquire()
  console.log(say.eats(me))
  await sleep(50)
  await right.release()
  await left.release()
}

export default async function main() {
  const forks = Array.from({ length: SEATS }, (_, i) => new Lock({ name: `fork-${i}` }))
  const allHoldLeft = new Barrier(SEATS, { name: 'all-hold-left' })
  const waiting = new Queue(0, { name: 'waiting' })
  const philosophers = forks.map(
    (_, i) => new Process({ target: philosopher, args: [forks[i], forks[(i + 1) % SEATS], allHoldLeft, waiting], name: `philosopher-${i}` }),
  )
  for (const p of philosophers) await p.start()
  for (const _ of philosophers) await waiting.get()
  const deadline = Date.now() + PATIENCE_MS
  for (const p of philosophers) await p.join(Math.max(0, deadline - Date.now()))
  const hungry = philosophers.filter((p) => p.isAlive())
  if (hungry.length === 0) return console.log(say.fine)
  console.log(say.stuck(hungry.length))
  for (const p of hungry) p.terminate()
  for (const p of hungry) await p.join()
}
