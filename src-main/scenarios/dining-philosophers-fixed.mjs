// The same five philosophers and five forks, with the cure for their deadlock: number the forks and
// let everyone pick up the lower-numbered of their two forks first. Four still reach for the left
// fork first; the last one reaches for fork-0, on its right, first. A cycle of waits would need
// someone holding a higher fork while waiting for a lower one, and nobody ever does that, so they
// all eat, in turns, as often as they like.
import { Barrier, Lock, Process, currentProcess, lang, sleep } from 'proclab'

const SEATS = 5
const MEALS = 3

// The printed lines in English and Chinese: `lang` is the language the run was started in.
const say = {
  en: {
    eats: (me, meal, a, b) => `${me}: eating meal ${meal} with ${a} and ${b}`,
    full: (me) => `${me}: full`,
    done: `main: all ${SEATS} philosophers ate ${MEALS} meals each; forks taken in one order cannot deadlock`,
  },
  zh: {
    eats: (me, meal, a, b) => `${me}：用 ${a} 和 ${b} 吃第 ${meal} 顿`,
    full: (me) => `${me}：吃饱了`,
    done: `主进程：${SEATS} 位哲学家每人吃了 ${MEALS} 顿；按同一顺序取叉子就不会死锁`,
  },
}[lang]

export async function philosopher(left, right, leftIndex, rightIndex, seated) {
  const me = currentProcess().name
  // The whole fix: the lower-numbered fork first.
  const [first, second] = leftIndex < rightIndex ? [left, right] : [right, left]
  await seated.wait()
  for (let meal = 1; meal <= MEALS; meal++) {
    await first.acquire()
    await sleep(20)
    await second.acquire()
    console.log(say.eats(me, meal, first.name, second.name))
    await sleep(30)
    await second.release()
    await first.release()
  }
  console.log(say.full(me))
}

export default async function main() {
  const forks = Array.from({ length: SEATS }, (_, i) => new Lock({ name: `fork-${i}` }))
  const seated = new Barrier(SEATS, { name: 'seated' })
  const philosophers = forks.map((_, i) => {
    const right = (i + 1) % SEATS
    return new Process({ target: philosopher, args: [forks[i], forks[right], i, right, seated], name: `philosopher-${i}` })
  })
  for (const p of philosophers) await p.start()
  for (const p of philosophers) await p.join()
  console.log(say.done)
}
