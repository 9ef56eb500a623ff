// Lines of a file, streamed in batches (all complete lines of one 1 MiB chunk at a time).
// This does what readline over a read stream does, with less overhead per line: it splits the
// raw bytes and decodes each line once, and hands over a batch per chunk instead of a promise
// per line. On a 1M-event session that halved the time of an export.
import { createReadStream } from 'node:fs'

const NEWLINE = 0x0a
const CR = 0x0d

/** Lines without their "\n" or "\r\n"; a last line without a line break is included. */
export async function* readLineBatches(file: string): AsyncGenerator<string[]> {
  const input = createReadStream(file, { highWaterMark: 1 << 20 })
  // The start of a line cut by a chunk boundary; a long line can span several chunks.
  let carry: Buffer[] = []
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      const lines: string[] = []
      let start = 0
      let end = chunk.indexOf(NEWLINE, start)
      while (end !== -1) {
        if (carry.length > 0) {
          carry.push(chunk.subarray(0, end))
          lines.push(decode(Buffer.concat(carry), 0, undefined))
          carry = []
        } else {
          lines.push(decode(chunk, start, end))
        }
        start = end + 1
        end = chunk.indexOf(NEWLINE, start)
      }
      if (start < chunk.length) carry.push(chunk.subarray(start))
      if (lines.length > 0) yield lines
    }
    if (carry.length > 0) yield [decode(Buffer.concat(carry), 0, undefined)]
  } finally {
    input.destroy()
  }
}

function decode(buffer: Buffer, start: number, end: number | undefined): string {
  const stop = end ?? buffer.length
  return buffer.toString('utf8', start, stop > start && buffer[stop - 1] === CR ? stop - 1 : stop)
}
