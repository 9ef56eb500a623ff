// A stress run for the UI and the recorder: printers write lines at a fixed total rate while a
// producer and a consumer pass numbered items through a Queue. Every count is known in advance,
// so whatever shows the totals can be checked against them.
import { Process, Queue, lang, sleep } from 'proclab'

const PRINTERS = 4
const LINES_PER_SECOND = 25_000 // each printer: 100,000 lines a second in all
const SECONDS = 5
const ITEMS = 5_000

// The printed lines in English and Chinese: `lang` is the language the run was started in.
const say = {
  en: {
    line: (index, n) => `printer ${index} line ${n}\n`,
    printerDone: (index, sent) => `printer ${index} done: ${sent} lines`,
    consumed: (got) => `consumer got ${got} items`,
  },
  zh: {
    line: (index, n) => `打印机 ${index} 第 ${n} 行\n`,
    printerDone: (index, sent) => `打印机 ${index} 完成：共 ${sent} 行`,
    consumed: (got) => `消费者取到 ${got} 件`,
  },
}[lang]

/** Writes `perSecond` lines a second for `seconds`, in blocks, then one summary line. */
export async function printLines(index, perSecond, seconds) {
  const tickMs = 20
  const started = Date.now()
  let sent = 0
  const total = perSecond * seconds
  while (sent < total) {
    // Catch up to where the clock says we should be, in one write: lines are cheap, writes are not.
    const due = Math.min(total, Math.round(((Date.now() - started) / 1000) * perSecond))
    if (due > sent) {
      let block = ''
      for (let n = sent; n < due; n++) block += say.line(index, n)
      process.stdout.write(block)
      sent = due
    }
    await sleep(tickMs)
  }
  console.log(say.printerDone(index, sent))
}

export async function produce(queue, items, seconds) {
  const pauseEvery = Math.max(1, Math.round(items / (seconds * 50)))
  for (let n = 0; n < items; n++) {
    await queue.put(n)
    if (n % pauseEvery === 0) await sleep(20)
  }
  await queue.put(null)
}

export async function consume(queue) {
  let got = 0
  while ((await queue.get()) !== null) got++
  console.log(say.consumed(got))
}

export default async function main() {
  const queue = new Queue(0, { name: 'items' })
  const children = [
    ...Array.from({ length: PRINTERS }, (_, i) => new Process({ target: printLines, args: [i + 1, LINES_PER_SECOND, SECONDS], name: `printer-${i + 1}` })),
    new Process({ target: produce, args: [queue, ITEMS, SECONDS], name: 'producer' }),
    new Process({ target: consume, args: [queue], name: 'consumer' }),
  ]
  for (const child of children) await child.start()
  for (const child of children) await child.join()
}
