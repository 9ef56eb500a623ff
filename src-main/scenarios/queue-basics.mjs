// A Queue up close: first in, first out; maxsize; what blocks and what throws. A full queue makes
// put wait (or throw Full when told not to wait, or after a timeout); an empty queue does the same
// to get with Empty. Another process taking or putting an item is what wakes a blocked call.
import { Empty, Full, Process, Queue, lang, sleep } from 'proclab'

// The printed lines in English and Chinese: `lang` is the language the run was started in.
const say = {
  en: {
    took: (item) => `helper took ${item} out of the full queue`,
    lateItem: 'late item',
    put: 'helper put "late item" into the empty queue',
    outcome: (label, text) => `${label}: ${text}`,
    ok: (value, ms) => `ok${value === undefined ? '' : ` -> ${JSON.stringify(value)}`} after ${ms} ms`,
    failed: (name, ms) => `${name} after ${ms} ms`,
    made: (max) => `a Queue with maxsize ${max}`,
    afterPuts: (size, full) => `after three puts: qsize ${size}, full ${full}`,
    putNowait: 'putNowait on a full queue',
    putTimeout: 'put with { timeout: 100 } on a full queue',
    putBlocking: 'blocking put on a full queue',
    get: 'get',
    afterGets: (size, empty) => `after taking everything: qsize ${size}, empty ${empty}`,
    getNowait: 'getNowait on an empty queue',
    getTimeout: 'get with { timeout: 100 } on an empty queue',
    getBlocking: 'blocking get on an empty queue',
    notice: 'notice: a blocked put or get waits for another process; Nowait and timeouts turn the wait into Full or Empty',
  },
  zh: {
    took: (item) => `助手从满的队列里取出了 ${item}`,
    lateItem: '迟到的元素',
    put: '助手把“迟到的元素”放进了空队列',
    outcome: (label, text) => `${label}：${text}`,
    ok: (value, ms) => `成功${value === undefined ? '' : ` -> ${JSON.stringify(value)}`}，用时 ${ms} 毫秒`,
    failed: (name, ms) => `${name}，用时 ${ms} 毫秒`,
    made: (max) => `一个 maxsize 为 ${max} 的 Queue`,
    afterPuts: (size, full) => `放入三个之后：qsize ${size}，full ${full}`,
    putNowait: '对满队列 putNowait',
    putTimeout: '对满队列 put，{ timeout: 100 }',
    putBlocking: '对满队列阻塞 put',
    get: 'get',
    afterGets: (size, empty) => `全部取出之后：qsize ${size}，empty ${empty}`,
    getNowait: '对空队列 getNowait',
    getTimeout: '对空队列 get，{ timeout: 100 }',
    getBlocking: '对空队列阻塞 get',
    notice: '注意：阻塞的 put 或 get 要靠另一个进程来唤醒；Nowait 和超时则把等待变成 Full 或 Empty',
  },
}[lang]

export async function takeOneLater(q, delayMs) {
  await sleep(delayMs)
  console.log(say.took(JSON.stringify(await q.get())))
}

export async function putOneLater(q, delayMs) {
  await sleep(delayMs)
  await q.put(say.lateItem)
  console.log(say.put)
}

/** Runs `action` and says how it ended and how long it took. */
async function attempt(label, action) {
  const started = performance.now()
  try {
    const value = await action()
    console.log(say.outcome(label, say.ok(value, Math.round(performance.now() - started))))
  } catch (error) {
    if (!(error instanceof Full) && !(error instanceof Empty)) throw error
    console.log(say.outcome(label, say.failed(error.name, Math.round(performance.now() - started))))
  }
}

export default async function main() {
  const q = new Queue(3)
  console.log(say.made(q.maxsize))
  await q.put('first')
  await q.put({ count: 1 })
  await q.put([1, 2, 3])
  console.log(say.afterPuts(await q.qsize(), await q.full()))

  // A full queue: do not wait, wait a little, or wait until someone makes room.
  await attempt(say.putNowait, () => q.putNowait('fourth'))
  await attempt(say.putTimeout, () => q.put('fourth', { timeout: 100 }))
  const taker = new Process({ target: takeOneLater, args: [q, 300], name: 'helper-get' })
  await taker.start()
  await attempt(say.putBlocking, () => q.put('fourth'))
  await taker.join()

  // Items come out in the order they went in.
  for (let i = 0; i < 3; i++) await attempt(say.get, () => q.get())
  console.log(say.afterGets(await q.qsize(), await q.empty()))

  // An empty queue: the same three choices for get.
  await attempt(say.getNowait, () => q.getNowait())
  await attempt(say.getTimeout, () => q.get({ timeout: 100 }))
  const putter = new Process({ target: putOneLater, args: [q, 300], name: 'helper-put' })
  await putter.start()
  await attempt(say.getBlocking, () => q.get())
  await putter.join()
  console.log(say.notice)
}
