// A Queue up close: first in, first out; maxsize; what blocks and what throws. A full queue makes
// put wait (or throw Full when told not to wait, or after a timeout); an empty queue does the same
// to get with Empty. Another process taking or putting an item is what wakes a blocked call.
import { Empty, Full, Process, Queue, sleep } from 'proclab'

export async function takeOneLater(q, delayMs) {
  await sleep(delayMs)
  console.log(`helper took ${JSON.stringify(await q.get())} out of the full queue`)
}

export async function putOneLater(q, delayMs) {
  await sleep(delayMs)
  await q.put('late item')
  console.log('helper put "late item" into the empty queue')
}

/** Runs `action` and says how it ended and how long it took. */
async function attempt(label, action) {
  const started = performance.now()
  try {
    const value = await action()
    console.log(`${label}: ok${value === undefined ? '' : ` -> ${JSON.stringify(value)}`} after ${Math.round(performance.now() - started)} ms`)
  } catch (error) {
    if (!(error instanceof Full) && !(error instanceof Empty)) throw error
    console.log(`${label}: ${error.name} after ${Math.round(performance.now() - started)} ms`)
  }
}

export default async function main() {
  const q = new Queue(3)
  console.log(`a Queue with maxsize ${q.maxsize}`)
  await q.put('first')
  await q.put({ count: 1 })
  await q.put([1, 2, 3])
  console.log(`after three puts: qsize ${await q.qsize()}, full ${await q.full()}`)

  // A full queue: do not wait, wait a little, or wait until someone makes room.
  await attempt('putNowait on a full queue', () => q.putNowait('fourth'))
  await attempt('put with { timeout: 100 } on a full queue', () => q.put('fourth', { timeout: 100 }))
  const taker = new Process({ target: takeOneLater, args: [q, 300], name: 'helper-get' })
  await taker.start()
  await attempt('blocking put on a full queue', () => q.put('fourth'))
  await taker.join()

  // Items come out in the order they went in.
  for (let i = 0; i < 3; i++) await attempt('get', () => q.get())
  console.log(`after taking everything: qsize ${await q.qsize()}, empty ${await q.empty()}`)

  // An empty queue: the same three choices for get.
  await attempt('getNowait on an empty queue', () => q.getNowait())
  await attempt('get with { timeout: 100 } on an empty queue', () => q.get({ timeout: 100 }))
  const putter = new Process({ target: putOneLater, args: [q, 300], name: 'helper-put' })
  await putter.start()
  await attempt('blocking get on an empty queue', () => q.get())
  await putter.join()
  console.log('notice: a blocked put or get waits for another process; Nowait and timeouts turn the wait into Full or Empty')
}
