// Parallel join: start every child first, then join them. The joins overlap with the sleeps,
// so the run lasts as long as the slowest child (~3 s), not the sum.
import { Process, lang, sleep } from 'proclab'

// The printed lines in English and Chinese: `lang` is the language the run was started in.
const say = {
  en: {
    woke: (label, seconds) => `child ${label} woke after ${seconds} s`,
    continues: (elapsed, codes) => `main continues after ${elapsed} s; exit codes: ${codes}`,
  },
  zh: {
    woke: (label, seconds) => `子进程 ${label} 睡了 ${seconds} 秒后醒来`,
    continues: (elapsed, codes) => `主进程在 ${elapsed} 秒后继续；退出码：${codes}`,
  },
}[lang]

export async function nap(label, seconds) {
  await sleep(seconds * 1000)
  console.log(say.woke(label, seconds))
}

export default async function main() {
  const started = performance.now()
  const children = [1, 2, 3].map((seconds) => new Process({ target: nap, args: [String(seconds), seconds] }))
  for (const child of children) await child.start()
  for (const child of children) await child.join()
  const elapsed = (performance.now() - started) / 1000
  console.log(say.continues(elapsed.toFixed(2), children.map((c) => c.exitCode).join(', ')))
}
