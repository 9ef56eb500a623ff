// Three printers share one output. join() makes them take turns: each is started and joined
// before the next starts, so their lines never mix. But the order is the one written in main,
// not the order in which the printers became ready: serial, yet not fair.
import { Process, currentProcess, sleep } from 'proclab'

export async function printJob(pages) {
  const me = currentProcess().name
  console.log(`${me} start`)
  for (let page = 1; page <= pages; page++) {
    await sleep(120)
    console.log(`${me} page ${page}/${pages}`)
  }
  console.log(`${me} end`)
}

export default async function main() {
  const jobs = [
    ['printer-A', 3],
    ['printer-B', 2],
    ['printer-C', 3],
  ]
  for (const [name, pages] of jobs) {
    const printer = new Process({ target: printJob, args: [pages], name })
    await printer.start()
    await printer.join()
  }
  console.log('no two jobs overlapped, and the order is always A, B, C: join fixed it in the code')
}
