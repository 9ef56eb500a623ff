// Each process has its own memory: a child that changes a module-level variable changes its own
// copy. The parent's stays as it was, which is why processes share data through Queue, Pipe or
// Value rather than through variables.
import { Process, Queue, lang } from 'proclab'

// The printed lines in English and Chinese: `lang` is the language the run was started in.
const say = {
  en: {
    before: (n) => `main: stock is ${n} before the child starts`,
    child: (from, to) => `child: I sold some; stock went from ${from} to ${to} in my memory`,
    after: (n) => `main: after the child ended, stock is still ${n} in my memory`,
    compare: (main, child) => `side by side: main sees ${main}, the child saw ${child}: two processes, two copies`,
  },
  zh: {
    before: (n) => `主进程：子进程启动前，库存为 ${n}`,
    child: (from, to) => `子进程：卖掉了一些；在我的内存里库存从 ${from} 变成了 ${to}`,
    after: (n) => `主进程：子进程结束后，我内存里的库存仍是 ${n}`,
    compare: (main, child) => `对照：主进程看到 ${main}，子进程看到的是 ${child}：两个进程，两份数据`,
  },
}[lang]

let stock = 100

export async function sell(report) {
  const before = stock
  stock -= 30
  console.log(say.child(before, stock))
  // The only way the parent learns the child's value: send it.
  await report.put(stock)
}

export default async function main() {
  console.log(say.before(stock))
  const report = new Queue()
  const child = new Process({ target: sell, args: [report], name: 'seller' })
  await child.start()
  const childValue = await report.get()
  await child.join()
  console.log(say.after(stock))
  console.log(say.compare(stock, childValue))
}
