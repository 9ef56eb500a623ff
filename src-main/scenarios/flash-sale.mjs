// A flash sale: 10 items, 100 buyers. Each buyer is its own process and tries once to drop its
// name into a Queue(10) without waiting (putNowait). The queue itself is the stock counter: the
// first ten get in, everyone after them gets Full at once. No lock is needed: the queue's own
// bookkeeping decides who was first.
import { Full, Process, Queue, currentProcess, lang } from 'proclab'

const BUYERS = 100
const STOCK = 10
/** Buyers starting at the same moment: enough to keep two cores busy, not so many that they crowd out the rest. */
const STARTING_AT_ONCE = 8

// The printed lines in English and Chinese: `lang` is the language the run was started in.
const say = {
  en: {
    gotIn: (me) => `${me}: got in`,
    soldOut: (me) => `${me}: sold out (Full)`,
    allDone: (failed, queued) => `all ${BUYERS} buyers are done (${failed} failed); ${queued} orders are in the queue`,
    rank: (rank, who) => `#${rank}: ${who}`,
    verdict: `exactly ${STOCK} of ${BUYERS} won, in the order they reached the queue; the other ${BUYERS - STOCK} got Full`,
  },
  zh: {
    gotIn: (me) => `${me}：抢到了`,
    soldOut: (me) => `${me}：卖完了（Full）`,
    allDone: (failed, queued) => `${BUYERS} 个买家都结束了（${failed} 个失败）；队列里有 ${queued} 个订单`,
    rank: (rank, who) => `第 ${rank} 名：${who}`,
    verdict: `${BUYERS} 人中恰好 ${STOCK} 人抢到，按到达队列的先后排列；其余 ${BUYERS - STOCK} 人得到 Full`,
  },
}[lang]

export async function buyer(orders) {
  const me = currentProcess().name
  try {
    await orders.putNowait(me)
    console.log(say.gotIn(me))
  } catch (error) {
    if (!(error instanceof Full)) throw error
    console.log(say.soldOut(me))
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
  console.log(say.allDone(failed, await orders.qsize()))
  for (let rank = 1; rank <= STOCK; rank++) console.log(say.rank(rank, await orders.get()))
  console.log(say.verdict)
}
