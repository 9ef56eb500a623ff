// Turns a byte stream into lines: UTF-8 safe across chunk boundaries, \r\n tolerated, and very
// long lines cut so one runaway write cannot grow a line without bound.
import { StringDecoder } from 'node:string_decoder'

export const MAX_LINE = 16 * 1024

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8')
  private partial = ''

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    const text = this.partial + this.decoder.write(chunk)
    let start = 0
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      this.emit(text.slice(start, newline))
      start = newline + 1
    }
    this.partial = text.slice(start)
    while (this.partial.length > MAX_LINE) {
      this.emit(this.partial.slice(0, MAX_LINE))
      this.partial = this.partial.slice(MAX_LINE)
    }
  }

  end(): void {
    const rest = this.partial + this.decoder.end()
    this.partial = ''
    if (rest.length > 0) this.emit(rest)
  }

  private emit(line: string): void {
    this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line)
  }
}
