// Three printers share one output and one Lock. They switch on together (a Barrier); whoever
// asks for the lock first prints first, and the others wait in line. Inside the lock a job's
// lines are never mixed with another's; outside it the printers run freely. Each printer prints
// two jobs: after its first job it has to queue again behind the others, so nobody cuts in.
import { Barrier, Lock, Process, currentProcess, sleep } from 'proclab'

export async function printer(lock, switchedOn, jobs) {
  const me = currentProcess().name
  await switchedOn.wait()
  // Then they get ready at slightly different moments: the first to ask is the first served.
  await sleep(Math.floor(Math.random() * 150))
  for (let job = 1; job <= jobs; job++) {
    console.log(`${me} is waiting for the printer (job ${job})`)
    await lock.withLock(async () => {
      console.log(`${me} start`)
      for (let page = 1; page <= 3; page++) {
        await sleep(80)
        console.log(`${me} page ${page}/3`)
      }
      console.log(`${me} end`)
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
  console.log('jobs never overlapped; the lock served the printers in the order they asked for it')
}
