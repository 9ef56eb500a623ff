// Two ways to give a process work: a target function, found in the child by its export name,
// or a Process subclass whose run() does the work. Each child reports who it and its parent are.
import { Process, currentProcess, lang, parentProcess, sleep } from 'proclab'

// The printed lines in English and Chinese: `lang` is the language the run was started in.
const say = {
  en: {
    greet: (who, me, parent) => `${who}: I am ${me.name}, pid ${me.pid}; my parent is ${parent?.name} (pid ${parent?.pid})`,
    subclass: (who, name, pid) => `${who}: a subclass at work in ${name}, pid ${pid}`,
    started: (pid, a, b) => `main (pid ${pid}) started ${a} and ${b}`,
    byTarget: 'function target',
    bySubclass: 'subclass',
  },
  zh: {
    greet: (who, me, parent) => `${who}：我是 ${me.name}，pid ${me.pid}；父进程是 ${parent?.name}（pid ${parent?.pid}）`,
    subclass: (who, name, pid) => `${who}：子类在 ${name} 中工作，pid ${pid}`,
    started: (pid, a, b) => `主进程（pid ${pid}）启动了 ${a} 和 ${b}`,
    byTarget: '函数目标',
    bySubclass: '子类',
  },
}[lang]

export async function greet(who) {
  const me = currentProcess()
  console.log(say.greet(who, me, parentProcess()))
  await sleep(300)
}

export class Greeter extends Process {
  constructor(who) {
    super()
    this.who = who
  }

  async run() {
    console.log(say.subclass(this.who, this.name, this.pid))
    await sleep(300)
  }
}

export default async function main() {
  const byTarget = new Process({ target: greet, args: [say.byTarget] })
  const bySubclass = new Greeter(say.bySubclass)
  await byTarget.start()
  await bySubclass.start()
  console.log(say.started(currentProcess().pid, byTarget.name, bySubclass.name))
  await byTarget.join()
  await bySubclass.join()
}
