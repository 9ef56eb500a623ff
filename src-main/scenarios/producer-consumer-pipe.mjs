// Producers and consumers around one Pipe: producers hold only the send end, consumers only the
// receive end. A pipe has no sentinel or timeout to agree on: when every holder of the send end
// has closed it (each producer when done, and main, which made the pipe, right after starting
// everyone), the consumers' recv() throws EOFError once the last bun is taken.
import { EOFError, Pipe, Process, currentProcess, lang, sleep } from 'proclab'

const PRODUCERS = 2
const CONSUMERS = 3
const BUNS_EACH = 6

// The printed lines in English and Chinese: `lang` is the language the run was started in.
const say = {
  en: {
    bun: (me, i) => `${me}/bun-${i}`,
    made: (me, bun) => `${me} made ${bun}`,
    ate: (me, bun) => `${me} ate ${bun}`,
    eof: (me) => `${me}: EOFError, every producer has closed the pipe; going home`,
    exitCodes: (procs) => `exit codes: ${procs.map((p) => `${p.name} ${p.exitCode}`).join(', ')}`,
  },
  zh: {
    bun: (me, i) => `${me}/包子-${i}`,
    made: (me, bun) => `${me} 做好了 ${bun}`,
    ate: (me, bun) => `${me} 吃掉了 ${bun}`,
    eof: (me) => `${me}：EOFError，所有生产者都关闭了管道；下班回家`,
    exitCodes: (procs) => `退出码：${procs.map((p) => `${p.name} ${p.exitCode}`).join('，')}`,
  },
}[lang]

const pause = (min, max) => sleep(min + Math.floor(Math.random() * (max - min)))

export async function producer(sendEnd) {
  const me = currentProcess().name
  for (let i = 1; i <= BUNS_EACH; i++) {
    await pause(50, 150)
    const bun = say.bun(me, i)
    await sendEnd.send(bun)
    console.log(say.made(me, bun))
  }
  await sendEnd.close()
}

export async function consumer(receiveEnd) {
  const me = currentProcess().name
  for (;;) {
    let bun
    try {
      bun = await receiveEnd.recv()
    } catch (error) {
      if (!(error instanceof EOFError)) throw error
      console.log(say.eof(me))
      return
    }
    console.log(say.ate(me, bun))
    await pause(100, 200)
  }
}

export default async function main() {
  const [receiveEnd, sendEnd] = Pipe({ duplex: false, name: 'buns' })
  const producers = Array.from({ length: PRODUCERS }, (_, i) => new Process({ target: producer, args: [sendEnd], name: `producer-${i + 1}` }))
  const consumers = Array.from({ length: CONSUMERS }, (_, i) => new Process({ target: consumer, args: [receiveEnd], name: `consumer-${i + 1}` }))
  for (const p of [...producers, ...consumers]) await p.start()
  // Main made the pipe, so it holds both ends: without these two lines the consumers would never see EOF.
  await sendEnd.close()
  await receiveEnd.close()
  for (const p of [...producers, ...consumers]) await p.join()
  console.log(say.exitCodes([...producers, ...consumers]))
}
