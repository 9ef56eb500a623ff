// Producers and consumers around a Queue, the buffer between them. Producers make buns at their
// own pace and put them in; consumers take them out and eat. Neither side knows the other. Here a
// consumer stops when the queue has stayed empty for a while (get with a timeout throws Empty):
// simple, but it is a guess. Too short and a slow producer's buns are left uneaten; too long and
// everyone waits for nothing at the end.
import { Empty, Process, Queue, currentProcess, lang, sleep } from 'proclab'

const PRODUCERS = 2
const CONSUMERS = 3
const BUNS_EACH = 6
const GIVE_UP_MS = 2000

// The printed lines in English and Chinese: `lang` is the language the run was started in.
const say = {
  en: {
    bun: (me, i) => `${me}/bun-${i}`,
    made: (me, bun) => `${me} made ${bun}`,
    ate: (me, bun) => `${me} ate ${bun}`,
    giveUp: (me) => `${me}: nothing for ${GIVE_UP_MS} ms, going home`,
    exitCodes: (procs) => `exit codes: ${procs.map((p) => `${p.name} ${p.exitCode}`).join(', ')}`,
    left: (n) => `buns left in the queue: ${n}; each consumer stopped after ${GIVE_UP_MS} ms without a bun`,
  },
  zh: {
    bun: (me, i) => `${me}/包子-${i}`,
    made: (me, bun) => `${me} 做好了 ${bun}`,
    ate: (me, bun) => `${me} 吃掉了 ${bun}`,
    giveUp: (me) => `${me}：${GIVE_UP_MS} 毫秒没等到包子，下班回家`,
    exitCodes: (procs) => `退出码：${procs.map((p) => `${p.name} ${p.exitCode}`).join('，')}`,
    left: (n) => `队列里剩下的包子：${n}；每个消费者都在 ${GIVE_UP_MS} 毫秒没等到包子后停下`,
  },
}[lang]

const pause = (min, max) => sleep(min + Math.floor(Math.random() * (max - min)))

export async function producer(buns) {
  const me = currentProcess().name
  for (let i = 1; i <= BUNS_EACH; i++) {
    await pause(50, 150)
    const bun = say.bun(me, i)
    await buns.put(bun)
    console.log(say.made(me, bun))
  }
}

export async function consumer(buns) {
  const me = currentProcess().name
  for (;;) {
    let bun
    try {
      bun = await buns.get({ timeout: GIVE_UP_MS })
    } catch (error) {
      if (!(error instanceof Empty)) throw error
      console.log(say.giveUp(me))
      return
    }
    console.log(say.ate(me, bun))
    await pause(100, 200)
  }
}

export default async function main() {
  const buns = new Queue(0, { name: 'buns' })
  const producers = Array.from({ length: PRODUCERS }, (_, i) => new Process({ target: producer, args: [buns], name: `producer-${i + 1}` }))
  const consumers = Array.from({ length: CONSUMERS }, (_, i) => new Process({ target: consumer, args: [buns], name: `consumer-${i + 1}` }))
  // Producers first, so the consumers' timeout does not run out before the first bun.
  for (const p of [...producers, ...consumers]) await p.start()
  for (const p of [...producers, ...consumers]) await p.join()
  console.log(say.exitCodes([...producers, ...consumers]))
  console.log(say.left(await buns.qsize()))
}
