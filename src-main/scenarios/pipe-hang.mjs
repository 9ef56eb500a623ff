// The classic Pipe mistake: the reader never closes its own copy of the write end. Main sends 100
// messages and closes its write end, but the reader still holds one, so the pipe is never over:
// a plain recv() would wait forever. Here the reader polls with a timeout instead, gives up after a
// while and says why; then it closes its copy, and EOFError arrives at once.
import { EOFError, Pipe, Process, lang } from 'proclab'

const MESSAGES = 100
const POLL_MS = 400
const PATIENCE = 4

// The printed lines in English and Chinese: `lang` is the language the run was started in.
const say = {
  en: {
    message: (i) => `message ${i}`,
    quiet: (received) => `reader: ${received} messages so far; nothing for ${POLL_MS} ms, and no EOF either`,
    gaveUp: `reader: gave up waiting after ${PATIENCE * POLL_MS} ms of silence. It hung because this process still holds the write end itself, so EOF cannot come`,
    eof: (more, all) => `reader: closed my own write end; EOFError came at once (after ${more} more messages, ${all} in all)`,
    sent: `writer: sent ${MESSAGES} messages and closed the write end`,
    exited: (code) => `reader exited with ${code}`,
  },
  zh: {
    message: (i) => `消息 ${i}`,
    quiet: (received) => `读者：目前收到 ${received} 条消息；${POLL_MS} 毫秒内没有新消息，也没有 EOF`,
    gaveUp: `读者：安静了 ${PATIENCE * POLL_MS} 毫秒，不再等了。卡住的原因是本进程自己还持有写端，所以 EOF 不会到来`,
    eof: (more, all) => `读者：关掉自己手里的写端后，EOFError 立刻到来（之后又收到 ${more} 条，共 ${all} 条）`,
    sent: `写者：发出了 ${MESSAGES} 条消息，并关闭了写端`,
    exited: (code) => `读者退出，退出码 ${code}`,
  },
}[lang]

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
      console.log(say.quiet(received))
    }
  }
  console.log(say.gaveUp)
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
    console.log(say.eof(more, received + more))
  }
}

export default async function main() {
  const [readEnd, writeEnd] = Pipe({ duplex: false })
  const child = new Process({ target: forgetfulReader, args: [readEnd, writeEnd], name: 'reader' })
  await child.start()
  await readEnd.close()
  for (let i = 1; i <= MESSAGES; i++) await writeEnd.send(say.message(i))
  console.log(say.sent)
  await writeEnd.close()
  await child.join()
  console.log(say.exited(child.exitCode))
}
