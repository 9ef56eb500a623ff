// Pipe one-way: a sender process sends N messages down Pipe({ duplex: false }), a receiver process
// receives them. Small messages go with send()/recv(), byte messages with sendBytes()/recvBytes().
// Timed in the lab main from "go" to the receiver's "done". Python's twin: pipe in mp_bench.py.
import { Pipe, Process } from 'proclab'
import { params, report, startLine, timeFromGo } from './_bench.mjs'

export async function sender(conn, ready, go, n, size) {
  await ready.put('sender')
  await go.wait()
  if (size > 0) {
    const payload = Buffer.alloc(size, 7)
    for (let i = 0; i < n; i++) await conn.sendBytes(payload)
  } else {
    for (let i = 0; i < n; i++) await conn.send({ i, text: 'x' })
  }
}

export async function receiver(conn, ready, go, done, n, size) {
  await ready.put('receiver')
  await go.wait()
  let count = 0
  if (size > 0) {
    for (let i = 0; i < n; i++) if ((await conn.recvBytes()).length === size) count++
  } else {
    for (let i = 0; i < n; i++) {
      await conn.recv()
      count++
    }
  }
  await done.put(count)
}

export default async function main() {
  const { n, size } = params({ n: 200_000, size: 0 })
  const [readEnd, writeEnd] = Pipe({ duplex: false })
  const { ready, go, done } = startLine()
  const children = [new Process({ target: sender, args: [writeEnd, ready, go, n, size] }), new Process({ target: receiver, args: [readEnd, ready, go, done, n, size] })]
  const { total: count, seconds } = await timeFromGo(children, { ready, go, done }, 1)
  report({ workload: 'pipe', n: count, size, seconds, perSecond: count / seconds, mbPerSecond: (count * size) / seconds / 1e6 })
}
