// Producers and consumers around a JoinableQueue. Consumers confirm each bun with taskDone(), and
// join() on the queue waits until every bun put has been confirmed. The consumers are daemons that
// loop forever: once main has seen all work done, it simply returns, and its daemonic consumers
// are ended with it (exit code -15). No timeout, no sentinel.
import { JoinableQueue, Process, currentProcess, lang, sleep } from 'proclab'

const PRODUCERS = 2
const CONSUMERS = 3
const BUNS_EACH = 6

// The printed lines in English and Chinese: `lang` is the language the run was started in.
const say = {
  en: {
    bun: (me, i) => `${me}/bun-${i}`,
    made: (me, bun) => `${me} made ${bun}`,
    ate: (me, bun) => `${me} ate ${bun}`,
    producersDone: (codes) => `producers are done (exit codes ${codes}); waiting until every bun is confirmed with taskDone()`,
    allConfirmed: 'every bun was eaten and confirmed; main returns, and the daemonic consumers end with it',
  },
  zh: {
    bun: (me, i) => `${me}/包子-${i}`,
    made: (me, bun) => `${me} 做好了 ${bun}`,
    ate: (me, bun) => `${me} 吃掉了 ${bun}`,
    producersDone: (codes) => `生产者都做完了（退出码 ${codes}）；等待每个包子都经 taskDone() 确认`,
    allConfirmed: '每个包子都吃完并确认了；主进程返回，守护的消费者随之结束',
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
    await pause(100, 200)
    console.log(say.ate(me, bun))
    await buns.taskDone()
  }
}

export default async function main() {
  const buns = new JoinableQueue(0, { name: 'buns' })
  const producers = Array.from({ length: PRODUCERS }, (_, i) => new Process({ target: producer, args: [buns], name: `producer-${i + 1}` }))
  const consumers = Array.from({ length: CONSUMERS }, (_, i) => new Process({ target: consumer, args: [buns], name: `consumer-${i + 1}`, daemon: true }))
  for (const p of [...producers, ...consumers]) await p.start()
  for (const p of producers) await p.join()
  console.log(say.producersDone(producers.map((p) => p.exitCode).join(', ')))
  await buns.join()
  console.log(say.allConfirmed)
}
