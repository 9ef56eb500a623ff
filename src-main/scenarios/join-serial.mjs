// Serial join: each child is joined before the next one starts, so they cannot overlap and the
// run takes the sum of the sleeps (~6 s). Compare with the 'join' scenario.
import { Process, lang, sleep } from 'proclab'

// The printed lines in English and Chinese: `lang` is the language the run was started in.
const say = {
  en: {
    woke: (label, seconds) => `child ${label} woke after ${seconds} s`,
    continues: (elapsed) => `main continues after ${elapsed} s`,
  },
  zh: {
    woke: (label, seconds) => `子进程 ${label} 睡了 ${seconds} 秒后醒来`,
    continues: (elapsed) => `主进程在 ${elapsed} 秒后继续`,
  },
}[lang]

export async function nap(label, seconds) {
  await sleep(seconds * 1000)
  console.log(say.woke(label, seconds))
}

export default async function main() {
  const started = performance.now()
  for (const seconds of [1, 2, 3]) {
    const child = new Process({ target: nap, args: [String(seconds), seconds] })
    await child.start()
    await child.join()
  }
  const elapsed = (performance.now() - started) / 1000
  console.log(say.continues(elapsed.toFixed(2)))
}
