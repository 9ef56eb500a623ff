// A daemonic child guards its parent: when the parent's main returns, the daemon is ended
// wherever it is. The normal child is waited for and finishes its work.
import { Process, lang, sleep } from 'proclab'

// The printed lines in English and Chinese: `lang` is the language the run was started in.
const say = {
  en: {
    beat: (n) => `daemon heartbeat ${n}`,
    workerDone: 'worker finished its job',
    mainDone: 'main is done; the daemon ends with it, the worker is waited for',
  },
  zh: {
    beat: (n) => `守护进程心跳 ${n}`,
    workerDone: '工作进程完成了任务',
    mainDone: '主进程的代码执行完了：守护进程随之结束，工作进程则会被等到做完',
  },
}[lang]

export async function heartbeat() {
  for (let beat = 1; ; beat++) {
    console.log(say.beat(beat))
    await sleep(250)
  }
}

export async function worker() {
  await sleep(1500)
  console.log(say.workerDone)
}

export default async function main() {
  const daemon = new Process({ target: heartbeat, name: 'daemon', daemon: true })
  const normal = new Process({ target: worker, name: 'worker' })
  await daemon.start()
  await normal.start()
  await sleep(1000)
  console.log(say.mainDone)
}
