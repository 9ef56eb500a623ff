// A daemonic child guards its parent: when the parent's main returns, the daemon is ended
// wherever it is. The normal child is waited for and finishes its work.
import { Process, sleep } from 'proclab'

export async function heartbeat() {
  for (let beat = 1; ; beat++) {
    console.log(`daemon heartbeat ${beat}`)
    await sleep(250)
  }
}

export async function worker() {
  await sleep(1500)
  console.log('worker finished its job')
}

export default async function main() {
  const daemon = new Process({ target: heartbeat, name: 'daemon', daemon: true })
  const normal = new Process({ target: worker, name: 'worker' })
  await daemon.start()
  await normal.start()
  await sleep(1000)
  console.log('main is done; the daemon ends with it, the worker is waited for')
}
