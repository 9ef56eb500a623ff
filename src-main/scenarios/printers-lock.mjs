// Three printers share one output and one Lock. They switch on together (a Barrier); whoever
// asks for the lock first prints first, and the others wait in line. Inside the lock a job's
// lines are never mixed with another's; outside it the printers run freely. Each printer prints
// two jobs: after its first job it has to queue again behind the others, so nobody cuts in.
import { Barrier, Lock, Process, currentProcess, lang, sleep } from 'proclab'

// The printed lines in English and Chinese: `lang` is the language the run was started in.
const say = {
  en: {
    waiting: (me, job) => `${me} is waiting for the printer (job ${job})`,
    start: (me) => `${me} start`,
    page: (me, page, pages) => `${me} page ${page}/${pages}`,
    end: (me) => `${me} end`,
    verdict: 'jobs never overlapped; the lock served the printers in the order they asked for it',
  },
  zh: {
    waiting: (me, job) => `${me} 在等打印机（第 ${job} 个任务）`,
    start: (me) => `${me} 开始`,
    page: (me, page, pages) => `${me} 第 ${page}/${pages} 页`,
    end: (me) => `${me} 结束`,
    verdict: '任务从不重叠；锁按打印机提出请求的先后依次分配',
  },
}[lang]

export async function printer(lock, switchedOn, jobs) {
  const me = currentProcess().name
  await switchedOn.wait()
  // Then they get ready at slightly different moments: the first to ask is the first served.
  await sleep(Math.floor(Math.random() * 150))
  for (let job = 1; job <= jobs; job++) {
    console.log(say.waiting(me, job))
    await lock.withLock(async () => {
      console.log(say.start(me))
      for (let page = 1; page <= 3; page++) {
        await sleep(80)
        console.log(say.page(me, page, 3))
      }
      console.log(say.end(me))
    })
  }
}

export default async function main() {
  // One lock, made here and passed to every printer: a lock each would protect nothing.
  const lock = new Lock({ name: 'printer-lock' })
  const names = ['printer-A', 'printer-B', 'printer-C']
  // Started one by one, the printers would rarely meet; the barrier lets them begin together.
  const switchedOn = new Barrier(names.length, { name: 'switched-on', timeout: 20_000 })
  const printers = names.map((name) => new Process({ target: printer, args: [lock, switchedOn, 2], name }))
  for (const p of printers) await p.start()
  for (const p of printers) await p.join()
  console.log(say.verdict)
}
