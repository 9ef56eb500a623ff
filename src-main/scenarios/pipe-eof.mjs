// A one-way Pipe from main (the writer) to a child (the reader). Both processes hold both ends at
// first: main made the Pipe, the child got the ends as arguments. Each closes the end it does not
// use. Main sends 100 messages and closes its write end; now nobody holds the write end, so once
// the reader has taken everything, recv() throws EOFError and the reader knows the stream is over.
import { EOFError, Pipe, Process } from 'proclab'

const MESSAGES = 100

export async function reader(readEnd, writeEnd) {
  // Not writing here: drop this copy of the write end, or EOF could never come.
  await writeEnd.close()
  let received = 0
  let last = null
  for (;;) {
    try {
      last = await readEnd.recv()
      received++
    } catch (error) {
      if (!(error instanceof EOFError)) throw error
      console.log(`reader: got ${received} messages (last ${JSON.stringify(last)}), then EOFError: every write end is closed`)
      return
    }
  }
}

export default async function main() {
  const [readEnd, writeEnd] = Pipe({ duplex: false })
  const child = new Process({ target: reader, args: [readEnd, writeEnd], name: 'reader' })
  await child.start()
  // Main only writes: drop its copy of the read end.
  await readEnd.close()
  for (let i = 1; i <= MESSAGES; i++) await writeEnd.send(`message ${i}`)
  console.log(`writer: sent ${MESSAGES} messages; closing the write end`)
  await writeEnd.close()
  await child.join()
  console.log(`reader exited with ${child.exitCode}: EOFError ended its loop`)
}
