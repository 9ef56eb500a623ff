// Pipes between lab processes (Python's multiprocessing.Pipe). Each end may be held by several
// processes (it is passed as an argument or created there); recv() throws EOFError only once the
// buffer is empty and every holder of the other end has closed it or died — so, as in Python, a
// reader that keeps its own copy of the write end open never sees EOF.
import { ProcessError } from './errors'
import { LeasedReader } from './leases'
import { SharedObject } from './objects'
import { beforeOperation, gate } from './step-gate'
import { createPipeRings, PipeRingEnd, type PipeRingAddress } from './pipe-ring'
import { toRefs } from './reduction'
import { checkTimeout } from './timeouts'
import { MAX_FRAME, tooBig } from './wire'
import type { NameOption } from './synchronize'
import { WaitWatch, watchWait } from './waits'

export interface PipeOptions extends NameOption {
  /** Both ends send and receive (default). With false, the first end only receives and the second only sends. */
  duplex?: boolean
}

export class Connection extends SharedObject {
  declare readonly end: 0 | 1
  declare readonly readable: boolean
  declare readonly writable: boolean
  declare private reader: LeasedReader
  declare private isClosed: boolean
  /** The shared-memory path, or null where there is none (every message goes through the broker). */
  declare private ring: PipeRingEnd | null
  declare private ringAddress: PipeRingAddress | null

  /** Use Pipe() to make connections. */
  private constructor() {
    super()
  }

  static pair(options: PipeOptions): [Connection, Connection] {
    const duplex = options.duplex ?? true
    if (typeof duplex !== 'boolean') throw new TypeError(`Pipe({ duplex }): duplex must be a boolean, got ${typeof duplex}`)
    // PROCLAB_PIPE_RING=0 keeps every message on the broker's path (for comparisons and its tests).
    const ring = process.env.PROCLAB_PIPE_RING === '0' ? null : createPipeRings()
    const first = new Connection()
    first.register('pipe', options.name, { duplex, ring })
    first.init(0, true, duplex, ring)
    const second = Object.create(Connection.prototype) as Connection
    Object.defineProperties(second, { oid: { value: first.oid }, name: { value: first.name }, type: { value: 'pipe' } })
    second.init(1, duplex, true, ring)
    return [first, second]
  }

  get closed(): boolean {
    return this.isClosed
  }

  /** Sends a value (anything structured clone accepts); resolves once it has left this process. */
  send(value: unknown): Promise<void> {
    this.check('send', this.writable)
    return gate('pipe.send', this.oid, () => this.sendNow(value))
  }

  private sendNow(value: unknown): Promise<void> {
    if (this.ring) {
      try {
        return this.ring.send(value)
      } catch (error) {
        return Promise.reject(error)
      }
    }
    return this.tellWritten('send', { end: this.end, value: toRefs(value), bytes: null })
  }

  /** Receives the next value; throws EOFError once nothing is left and the other end is closed everywhere. */
  async recv(): Promise<unknown> {
    this.check('recv', this.readable)
    const gated = beforeOperation('pipe.recv', this.oid)
    if (gated) await gated
    if (this.ring) return this.ring.recv()
    const leased = this.reader.take()
    if (leased.found) return leased.value
    const answer = this.call<{ items: unknown[]; lease: number }>('recv', { end: this.end, want: this.reader.batch })
    return this.reader.received(await watchWait({ on: 'pipe.recv', object: this.oid }, answer))
  }

  /** Whether recv() would return at once (data, or EOF); waits up to timeoutMs (none: do not wait). */
  async poll(timeoutMs = 0): Promise<boolean> {
    this.check('poll', this.readable)
    if (this.ring) return this.ring.poll(checkTimeout(timeoutMs, 'Connection.poll'))
    if (this.reader.buffered > 0) return true
    return this.call<boolean>('poll', { end: this.end, timeout: checkTimeout(timeoutMs, 'Connection.poll') })
  }

  sendBytes(data: Uint8Array, offset = 0, size?: number): Promise<void> {
    this.check('sendBytes', this.writable)
    if (!(data instanceof Uint8Array)) throw new TypeError('sendBytes(data): data must be a Buffer or Uint8Array')
    const end = size === undefined ? data.length : offset + size
    if (offset < 0 || offset > data.length || end > data.length || end < offset) throw new RangeError(`sendBytes: offset ${offset} and size ${String(size)} do not fit a buffer of ${data.length} bytes`)
    // Known before the copy below: refuse at once what no frame can hold (the sender checks everything else).
    if (end - offset > MAX_FRAME) return Promise.reject(tooBig(end - offset))
    return gate('pipe.send', this.oid, () => this.sendBytesNow(data, offset, end))
  }

  private sendBytesNow(data: Uint8Array, offset: number, end: number): Promise<void> {
    if (this.ring) return this.ring.sendBytes(data, offset, end)
    const bytes = Buffer.from(data.subarray(offset, end))
    return this.tellWritten('send', { end: this.end, value: bytes, bytes: bytes.length })
  }

  async recvBytes(maxLength?: number): Promise<Buffer> {
    const value = await this.recv()
    if (!(value instanceof Uint8Array)) throw new ProcessError('recvBytes: the next message is not bytes (it was sent with send(), not sendBytes())')
    if (maxLength !== undefined && value.length > maxLength) throw new ProcessError(`recvBytes: message of ${value.length} bytes is longer than maxLength ${maxLength}`)
    return Buffer.from(value.buffer, value.byteOffset, value.length)
  }

  /** Closes this process's hold on this end; when no process holds it any more, the other end sees EOF. */
  close(): Promise<void> {
    if (this.isClosed) return Promise.resolve()
    this.isClosed = true
    if (this.reader.buffered > 0) this.reader.giveBack()
    // After this process's sends still waiting for room: the broker decides EOF on this message.
    if (this.ring) return this.ring.sendsDone().then(() => this.tellWritten('close', { end: this.end }))
    return this.tellWritten('close', { end: this.end })
  }

  override onPush(method: string, args: unknown): void {
    const recall = args as { end?: number; lease?: unknown }
    if (method === 'recall' && recall.end === this.end) this.reader.recall(recall.lease)
  }

  override toString(): string {
    return `<Connection ${this.name}#${this.end}${this.isClosed ? ' closed' : ''}>`
  }

  protected override handleKey(): string | null {
    // Called once by register() before the end is known; init() remembers the handle again.
    return this.end === undefined ? null : `${this.oid}#${this.end}`
  }

  protected override refExtra(): Record<string, unknown> {
    return { end: this.end, readable: this.readable, writable: this.writable, ring: this.ringAddress }
  }

  protected override adopt(extra: Record<string, unknown>): void {
    this.init(extra.end as 0 | 1, extra.readable as boolean, extra.writable as boolean, (extra.ring as PipeRingAddress | null | undefined) ?? null)
  }

  private init(end: 0 | 1, readable: boolean, writable: boolean, ringAddress: PipeRingAddress | null): void {
    const ring = ringAddress
      ? new PipeRingEnd(ringAddress, end, {
          attach: () => this.tell('attach', { end, pid: process.pid }),
          sendViaBroker: (value, bytes, ticket) => this.tellWritten('send', { end, value, bytes, ticket }),
          takeFromBroker: (ticket) => this.call('take', { end, ticket }),
          watchWait: (on) => new WaitWatch({ on, object: this.oid }),
        }, this.name)
      : null
    Object.defineProperties(this, {
      end: { value: end, enumerable: false },
      readable: { value: readable, enumerable: false },
      writable: { value: writable, enumerable: false },
      reader: { value: new LeasedReader({ send: (method, args) => this.tell(method, args), count: (method, args) => this.tellCount(method, args) }, { end }), enumerable: false },
      isClosed: { value: false, enumerable: false, writable: true },
      ring: { value: ring, enumerable: false },
      ringAddress: { value: ringAddress, enumerable: false },
    })
    this.remember()
  }

  private check(action: string, allowed: boolean): void {
    if (this.isClosed) throw new ProcessError(`cannot ${action}: this connection is closed`)
    if (!allowed) throw new ProcessError(`cannot ${action} on this end: Pipe({ duplex: false }) gives a receive-only first end and a send-only second end`)
  }
}

/** Two connected ends, as Python's Pipe(duplex=True) returns. */
export function Pipe(options: PipeOptions = {}): [Connection, Connection] {
  return Connection.pair(options)
}

SharedObject.defineRebuild('pipe', Connection.prototype)
