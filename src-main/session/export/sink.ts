// Output side of the exporters: text is gathered into ~64 KiB chunks (one stream write per chunk,
// not per event) and the exporter waits for 'drain' when the stream is full, so a slow disk or
// a paused pipe holds the reader back instead of filling memory.
import type { Writable } from 'node:stream'

const CHUNK_CHARS = 64 * 1024

export class TextSink {
  private parts: string[] = []
  private chars = 0
  /** Bytes handed to the stream so far. */
  bytes = 0

  constructor(private readonly out: Writable) {}

  push(text: string): void {
    this.parts.push(text)
    this.chars += text.length
  }

  get full(): boolean {
    return this.chars >= CHUNK_CHARS
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return
    // Encoding each part into one buffer: joining first measured several times slower.
    const chunk = Buffer.allocUnsafe(this.chars * 3)
    let used = 0
    for (const part of this.parts) used += chunk.write(part, used, 'utf8')
    this.parts = []
    this.chars = 0
    this.bytes += used
    if (this.out.destroyed) throw closedEarly()
    if (!this.out.write(chunk.subarray(0, used))) await drained(this.out)
  }
}

function closedEarly(): Error {
  return new Error('the export output was closed before the export finished')
}

/** Waits for 'drain', failing (rather than hanging) if the stream errors or closes first. */
function drained(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error: Error | null) => {
      out.off('drain', onDrain)
      out.off('error', onError)
      out.off('close', onClose)
      if (error) reject(error)
      else resolve()
    }
    const onDrain = () => settle(null)
    const onError = (error: Error) => settle(error)
    const onClose = () => settle(closedEarly())
    out.on('drain', onDrain)
    out.on('error', onError)
    out.on('close', onClose)
  })
}
