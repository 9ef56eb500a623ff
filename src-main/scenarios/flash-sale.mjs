// A flash sale: 10 items, 100 buyers. Each buyer is its own process and tries once to drop its
// name into a Queue(10) without waiting (putNowait). The queue itself is the stock counter: the
// first ten get in, everyone after them gets Full at once. No lock is needed: the queue's own
// bookkeeping decides who was first.
import { Full, Process, Queue, currentProcess } from 'proclab'

const BUYERS = 100
const STOCK = 10
/** Buyers starting at the same moment: enough to keep two cores busy, not so many that they crowd out the rest. */
const STARTING_AT_ONCE = 8

export async function buyer(orders) {
  const me = currentProcess().name
  try {
    await orders.putNowait(me)
    console.log(`${me}: got in`)
  } catch (error) {
    if (!(error instanceof Full)) throw error
    console.log(`${me}: sold out (Full)`)
  }
}

export default async function main() {
  const orders = new Queue(STOCK, { name: 'orders' })
  const buyers = Array.from({ length: BUYERS }, (_, i) => new Process({ target: buyer, args: [orders], name: `buyer-${i + 1}` }))
  // Start the buyers a few at a time (starting a process costs CPU); each one is off the
  // moment it is started.
  let next = 0
  const starter = async () => {
    while (next < buyers.length) {
      const b = buyers[next++]
      await b.start()
      await b.join()
    }
  }
  await Promise.all(Array.from({ length: STARTING_AT_ONCE }, starter))
  const failed = buyers.filter((b) => b.exitCode !== 0).length
  console.log(`all ${BUYERS} buyers are done (${failed} failed); ${await orders.qsize()} orders are in the queue`)
  for (let rank = 1; rank <= STOCK; rank++) console.log(`#${rank}: ${await orders.get()}`)
  console.log(`exactly ${STOCK} of ${BUYERS} won, in the order they reached the queue; the other ${BUYERS - STOCK} got Full`)
}
