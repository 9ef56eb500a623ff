// Two ways to give a process work: a target function, found in the child by its export name,
// or a Process subclass whose run() does the work. Each child reports who it and its parent are.
import { Process, currentProcess, parentProcess, sleep } from 'proclab'

export async function greet(who) {
  const me = currentProcess()
  console.log(`${who}: I am ${me.name}, pid ${me.pid}; my parent is ${parentProcess()?.name} (pid ${parentProcess()?.pid})`)
  await sleep(300)
}

export class Greeter extends Process {
  constructor(who) {
    super()
    this.who = who
  }

  async run() {
    console.log(`${this.who}: a subclass at work in ${this.name}, pid ${this.pid}`)
    await sleep(300)
  }
}

export default async function main() {
  const byTarget = new Process({ target: greet, args: ['function target'] })
  const bySubclass = new Greeter('subclass')
  await byTarget.start()
  await bySubclass.start()
  console.log(`main (pid ${currentProcess().pid}) started ${byTarget.name} and ${bySubclass.name}`)
  await byTarget.join()
  await bySubclass.join()
}
