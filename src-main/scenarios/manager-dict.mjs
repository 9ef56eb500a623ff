// Processes share nothing unless they are given a shared object. Four workers each work out one
// result. First they write it into a plain object: each writes into its own copy, and the main
// process's object stays empty. Then they are given a Manager's dict and list, whose data the
// broker holds: every write is a call to it, so the main process reads all four results.
import { Manager, Process, currentProcess, lang, sleep } from 'proclab'

const WORKERS = 4

const say = {
  en: {
    round1: `round 1: ${WORKERS} workers write their result into a plain object`,
    round2: `round 2: the same workers, given a Manager's dict and list`,
    wrote: (me, n, where) => `${me}: ${n} × ${n} = ${n * n}, written into ${where}`,
    mine: 'my own copy of the object',
    shared: 'the managed dict',
    plain: (json) => `main: the plain object holds ${json}: each worker changed its own copy`,
    results: (json, n) => `main: the managed dict holds ${json} (${n} entries)`,
    order: (names) => `main: the managed list says who finished first: ${names.join(', ')}`,
  },
  zh: {
    round1: `第一轮：${WORKERS} 个工作进程把结果写进一个普通对象`,
    round2: `第二轮：同样的工作进程，这次拿到 Manager 的 dict 和 list`,
    wrote: (me, n, where) => `${me}：${n} × ${n} = ${n * n}，已写入${where}`,
    mine: '我自己那份对象',
    shared: '托管的 dict',
    plain: (json) => `主进程：普通对象里是 ${json}：每个工作进程改的都是自己的那份`,
    results: (json, n) => `主进程：托管的 dict 里是 ${json}（共 ${n} 项）`,
    order: (names) => `主进程：托管的 list 记下了完成的先后：${names.join('、')}`,
  },
}[lang]

/** In every process its own: a child that writes here writes into its copy only. */
const plainResults = {}

/** Later workers sleep less, so they tend to finish first: the list shows the order of finishing, not of starting. */
function pause(n) {
  return sleep((WORKERS - n + 1) * 150)
}

export async function plainWorker(n) {
  await pause(n)
  plainResults[currentProcess().name] = n * n
  console.log(say.wrote(currentProcess().name, n, say.mine))
}

export async function managedWorker(n, results, finished) {
  await pause(n)
  const me = currentProcess().name
  await results.set(me, n * n)
  await finished.append(me)
  console.log(say.wrote(me, n, say.shared))
}

async function runAll(target, name, extraArgs) {
  const workers = Array.from({ length: WORKERS }, (_, i) => new Process({ target, args: [i + 1, ...extraArgs], name: `${name}-${i + 1}` }))
  for (const worker of workers) await worker.start()
  for (const worker of workers) await worker.join()
}

export default async function main() {
  console.log(say.round1)
  await runAll(plainWorker, 'plain', [])
  console.log(say.plain(JSON.stringify(plainResults)))

  console.log(say.round2)
  const manager = Manager()
  const results = manager.dict({}, { name: 'results' })
  const finished = manager.list([], { name: 'finished' })
  await runAll(managedWorker, 'worker', [results, finished])
  // Sorted by name: the dict keeps the order the workers wrote in, which is the order they finished.
  const sorted = Object.fromEntries((await results.items()).sort(([a], [b]) => String(a).localeCompare(String(b))))
  console.log(say.results(JSON.stringify(sorted), await results.length()))
  console.log(say.order(await finished.copy()))
  // No shutdown here, so the cards keep showing the contents; the run's end drops the data.
}
