// A one-way Pipe from main (the writer) to a child (the reader). Both processes hold both ends at
// first: main made the Pipe, the child got the ends as arguments. Each closes the end it does not
// use. Main sends 100 messages and closes its write end; now nobody holds the write end, so once
// the reader has taken everything, recv() throws EOFError and the reader knows the stream is over.
import { EOFError, Pipe, Process, lang } from 'proclab'

const MESSAGES = 100

// The printed lines in English and Chinese: `lang` is the language the run was started in.
const say = {
  en: {
    message: (i) => `message ${i}`,
    got: (received, last) => `reader: got ${received} messages (last ${last}), then EOFError: every write end is closed`,
    sent: `writer: sent ${MESSAGES} messages; closing the write end`,
    exited: (code) => `reader exited with ${code}: EOFError ended its loop`,
  },
  zh: {
    message: (i) => `消息 ${i}`,
    got: (received, last) => `读者：收到 ${received} 条消息（最后一条 ${last}），然后是 EOFError：所有写端都已关闭`,
    sent: `写者：发出了 ${MESSAGES} 条消息；关闭写端`,
    exited: (code) => `读者退出，退出码 ${code}：EOFError 结束了它的循环`,
  },
}[lang]

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
      console.log(say.got(received, JSON.stringify(last)))
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
  for (let i = 1; i <= MESSAGES; i++) await writeEnd.send(say.message(i))
  console.log(say.sent)
  await writeEnd.close()
  await child.join()
  console.log(say.exited(child.exitCode))
}
