// Producers and consumers around a Queue, stopped by a sentinel instead of a timeout. When every
// producer has finished (main joins them), main puts one `null` per consumer. A consumer that
// gets null knows the work is over. Nobody guesses, nobody waits longer than needed, and every
// bun is eaten, since the nulls queue up behind the last real bun.
import { Process, Queue, currentProcess, lang, sleep } from 'proclab'

const PRODUCERS = 2
const CONSUMERS = 3
const BUNS_EACH = 6

// The printed lines in English and Chinese: `lang` is the language the run was started in.
const say = {
  en: {
    bun: (me, i) => `${me}/bun-${i}`,
    made: (me, bun) => `${me} made ${bun}`,
    ate: (me, bun) => `${me} ate ${bun}`,
    stop: (me) => `${me}: got the stop sign (null), going home`,
    putting: `all producers are done; putting ${CONSUMERS} stop signs (one per consumer)`,
    exitCodes: (procs) => `exit codes: ${procs.map((p) => `${p.name} ${p.exitCode}`).join(', ')}`,
  },
  zh: {
    bun: (me, i) => `${me}/包子-${i}`,
    made: (me, bun) => `${me} 做好了 ${bun}`,
    ate: (me, bun) => `${me} 吃掉了 ${bun}`,
    stop: (me) => `${me}：拿到了停止信号（null），下班回家`,
    putting: `生产者都做完了；放入 ${CONSUMERS} 个停止信号（每个消费者一个）`,
    exitCodes: (procs) => `退出码：${procs.map((p) => `${p.name} ${p.exitCode}`).join('，')}`,
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
    const bun = await buns.get()
    if (bun === null) {
      console.log(say.stop(me))
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
  for (const p of [...producers, ...consumers]) await p.start()
  for (const p of producers) await p.join()
  console.log(say.putting)
  for (let i = 0; i < CONSUMERS; i++) await buns.put(null)
  for (const c of consumers) await c.join()
  console.log(say.exitCodes([...producers, ...consumers]))
}
