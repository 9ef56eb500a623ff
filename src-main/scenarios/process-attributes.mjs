// What a Process handle tells about its process: name, pid, isAlive() and exitCode, before the
// start, while it runs, and after terminate(). terminate() only sends the signal: right after it
// the process may still be alive, and only join() waits until it is gone.
import { Process, lang, sleep } from 'proclab'

// The printed lines in English and Chinese: `lang` is the language the run was started in.
const say = {
  en: {
    created: (p) => `created:    name=${p.name} pid=${p.pid} alive=${p.isAlive()} exitCode=${p.exitCode}`,
    started: (p) => `started:    name=${p.name} pid=${p.pid} alive=${p.isAlive()} exitCode=${p.exitCode}`,
    terminated: (p) => `terminate() just returned: alive=${p.isAlive()} exitCode=${p.exitCode} (the signal is on its way)`,
    joined: (p) => `after join(): alive=${p.isAlive()} exitCode=${p.exitCode} (minus the signal's number)`,
    working: (name) => `${name}: working until someone stops me`,
  },
  zh: {
    created: (p) => `创建后：    name=${p.name} pid=${p.pid} alive=${p.isAlive()} exitCode=${p.exitCode}`,
    started: (p) => `启动后：    name=${p.name} pid=${p.pid} alive=${p.isAlive()} exitCode=${p.exitCode}`,
    terminated: (p) => `terminate() 刚返回：alive=${p.isAlive()} exitCode=${p.exitCode}（信号还在路上）`,
    joined: (p) => `join() 之后：alive=${p.isAlive()} exitCode=${p.exitCode}（信号编号的相反数）`,
    working: (name) => `${name}：一直工作，直到有人让我停下`,
  },
}[lang]

export async function work(name) {
  console.log(say.working(name))
  await sleep(60_000)
}

export default async function main() {
  const p = new Process({ target: work, args: ['worker'], name: 'worker' })
  console.log(say.created(p))
  await p.start()
  console.log(say.started(p))
  await sleep(500)
  p.terminate()
  console.log(say.terminated(p))
  await p.join()
  console.log(say.joined(p))
}
