// Three printers share one output. join() makes them take turns: each is started and joined
// before the next starts, so their lines never mix. But the order is the one written in main,
// not the order in which the printers became ready: serial, yet not fair.
import { Process, currentProcess, lang, sleep } from 'proclab'

// The printed lines in English and Chinese: `lang` is the language the run was started in.
const say = {
  en: {
    start: (me) => `${me} start`,
    page: (me, page, pages) => `${me} page ${page}/${pages}`,
    end: (me) => `${me} end`,
    verdict: 'no two jobs overlapped, and the order is always A, B, C: join fixed it in the code',
  },
  zh: {
    start: (me) => `${me} 开始`,
    page: (me, page, pages) => `${me} 第 ${page}/${pages} 页`,
    end: (me) => `${me} 结束`,
    verdict: '任务从不重叠，而顺序总是 A、B、C：是 join 在代码里把它定死了',
  },
}[lang]

export async function printJob(pages) {
  const me = currentProcess().name
  console.log(say.start(me))
  for (let page = 1; page <= pages; page++) {
    await sleep(120)
    console.log(say.page(me, page, pages))
  }
  console.log(say.end(me))
}

export default async function main() {
  const jobs = [
    ['printer-A', 3],
    ['printer-B', 2],
    ['printer-C', 3],
  ]
  for (const [name, pages] of jobs) {
    const printer = new Process({ target: printJob, args: [pages], name })
    await printer.start()
    await printer.join()
  }
  console.log(say.verdict)
}
