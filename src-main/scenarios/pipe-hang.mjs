// The classic Pipe mistake: the reader never closes its own copy of the write end. Main sends 100
// messages and closes its write end, but the reader still holds one, so the pipe is never over:
// a plain recv() would wait forever. Here the reader polls with a timeout instead, gives up after a
// while and says why; then it closes its copy, and EOFError arrives at once.
import { EOFError, Pipe, Process } from 'proclab'

const MESSAGES = 100
const POLL_MS = 400
const PATIENCE = 4

export async function forgetfulReader(readEnd, writeEnd) {
  // The bug: no `await writeEnd.close()` here.
  let received = 0
  let quiet = 0
  while (quiet < PATIENCE) {
    if (await readEnd.poll(POLL_MS)) {
      await readEnd.recv()
      received++
      quiet = 0
    } else {
      quiet++
      console.log(`reader: ${received} messages so far; nothing for ${POLL_MS} ms, and no EOF either`)
    }
  }
  console.log(`reader: gave up waiting after ${PATIENCE * POLL_MS} ms of silence. It hung because this process still holds the write end itself, so EOF cannot come`)
  // The fix, late: close our copy of the write end. Anything left is still there, then EOF.
  await writeEnd.close()
  let more = 0
  try {
    for (;;) {
      await readEnd.recv()
      more++
    }
  } catch (error) {
    if (!(error instanceof EOFError)) throw error
    console.log(`reader: closed my own write end; EOFError came at once (after ${more} more messages, ${received + more} in all)`)
  }
}

export default async function main() {
  const [readEnd, writeEnd] = Pipe({ duplex: false })
  const child = new Process({ target: forgetfulReader, args: [readEnd, writeEnd], name: 'reader' })
  await child.start()
  await readEnd.close()
  for (let i = 1; i <= MESSAGES; i++) await writeEnd.send(`message ${i}`)
  console.log(`writer: sent ${MESSAGES} messages and closed the write end`)
  await writeEnd.close()
  await child.join()
  console.log(`reader exited with ${child.exitCode}`)
}
