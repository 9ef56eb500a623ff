// Two workers each need both locks, but take them in opposite order: one holds lock-a and asks for
// lock-b, the other holds lock-b and asks for lock-a. Neither can ever go on. A Barrier between the
// first and the second lock makes the unlucky timing certain (without it, it happens only now and
// then, which is what makes such bugs hard to find). The broker sees the cycle in its wait-for
// graph and names it; main gives the workers a few seconds, then says so and terminates them.
import { Barrier, Lock, Process, Queue, currentProcess, lang } from 'proclab'

const PATIENCE_MS = 3000

// The printed lines in English and Chinese: `lang` is the language the run was started in.
const say = {
  en: {
    holds: (me, lock) => `${me}: holding ${lock}`,
    asks: (me, lock) => `${me}: now asking for ${lock}`,
    done: (me) => `${me}: had both locks, done`,
    stuck: (names) => `main: ${names} are still waiting after ${PATIENCE_MS / 1000} s: a deadlock. Terminating them.`,
    fix: 'the fix: every process takes the locks in one order (lock-a, then lock-b)',
    fine: 'main: both workers finished (this time)',
  },
  zh: {
    holds: (me, lock) => `${me}：已持有 ${lock}`,
    asks: (me, lock) => `${me}：现在请求 ${lock}`,
    done: (me) => `${me}：拿到了两把锁，完成`,
    stuck: (names) => `主进程：${names} 等了 ${PATIENCE_MS / 1000} 秒仍在等待：死锁。终止它们。`,
    fix: '修正方法：所有进程按同一顺序取锁（先 lock-a，再 lock-b）',
    fine: '主进程：两个工作进程都完成了（这一次）',
  },
}[lang]

export async function worker(first, second, bothHoldOne, asking) {
  const me = currentProcess().name
  await first.acquire()
  console.log(say.holds(me, first.name))
  await bothHoldOne.wait()
  console.log(say.asks(me, second.name))
  await asking.put(me)
  await second.acquire()
  console.log(say.done(me))
  await second.release()
  await first.release()
}

export default async function main() {
  const lockA = new Lock({ name: 'lock-a' })
  const lockB = new Lock({ name: 'lock-b' })
  const bothHoldOne = new Barrier(2, { name: 'both-hold-one' })
  const asking = new Queue(0, { name: 'asking' })
  const workers = [
    new Process({ target: worker, args: [lockA, lockB, bothHoldOne, asking], name: 'worker-1' }),
    new Process({ target: worker, args: [lockB, lockA, bothHoldOne, asking], name: 'worker-2' }),
  ]
  for (const w of workers) await w.start()
  // Both have asked for their second lock; give them time to get it.
  for (const _ of workers) await asking.get()
  const deadline = Date.now() + PATIENCE_MS
  for (const w of workers) await w.join(Math.max(0, deadline - Date.now()))
  const stuck = workers.filter((w) => w.isAlive())
  if (stuck.length === 0) return console.log(say.fine)
  console.log(say.stuck(stuck.map((w) => w.name).join(', ')))
  for (const w of stuck) w.terminate()
  for (const w of stuck) await w.join()
  console.log(say.fix)
}
