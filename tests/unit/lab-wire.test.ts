// The lab's wire: messages reach the other end in the order they were sent, merged counts included.
import { mkdtempSync, rmSync } from 'node:fs'
import { createConnection, createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { BatchedSender, FrameDecoder } from '../../src-main/lab/wire'
import { waitUntil } from '../helpers/lab'
import { localSocketPath } from '../helpers/platform'

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup()
})

/** A connected pair of real local sockets (a named pipe on Windows): what a sender writes, the returned function reads. */
async function socketPair(): Promise<{ sender: Socket; received: () => Promise<unknown[]> }> {
  const dir = mkdtempSync(join(tmpdir(), 'proclab-wire-'))
  const path = localSocketPath(dir, 's')
  const messages: unknown[] = []
  const decoder = new FrameDecoder()
  const server = createServer((socket) => socket.on('data', (chunk) => decoder.push(chunk).forEach((frame) => messages.push(...frame))))
  await new Promise<void>((resolve) => server.listen(path, resolve))
  const sender = createConnection(path)
  await new Promise<void>((resolve) => sender.once('connect', () => resolve()))
  cleanups.push(() => {
    sender.destroy()
    server.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const received = async () => {
    await new Promise((resolve) => setTimeout(resolve, 100))
    return messages
  }
  return { sender, received }
}

describe('BatchedSender', () => {
  it('merges counts sent in a row, but never into a message that another message followed', async () => {
    const { sender, received } = await socketPair()
    const wire = new BatchedSender(sender, 'immediate')
    const count = () => wire.sendMerged('q:consumed', () => ({ m: 'consumed', n: 1 }), (message: { n: number }) => void message.n++)
    count()
    count()
    wire.send({ m: 'return' })
    count()
    count()
    count()
    expect(await received()).toEqual([{ m: 'consumed', n: 2 }, { m: 'return' }, { m: 'consumed', n: 3 }])
  })
})

/** The raw frames a socket received: each frame's length as its header says, and its messages. */
async function rawFramePair(): Promise<{ sender: Socket; frames: (messages: number) => Promise<Array<{ length: number; messages: unknown[] }>> }> {
  const dir = mkdtempSync(join(tmpdir(), 'proclab-wire-'))
  const path = localSocketPath(dir, 's')
  let bytes = Buffer.alloc(0)
  const server = createServer((socket) => socket.on('data', (chunk) => (bytes = Buffer.concat([bytes, chunk]))))
  await new Promise<void>((resolve) => server.listen(path, resolve))
  const sender = createConnection(path)
  await new Promise<void>((resolve) => sender.once('connect', () => resolve()))
  cleanups.push(() => {
    sender.destroy()
    server.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const decode = () => {
    const out: Array<{ length: number; messages: unknown[] }> = []
    for (let offset = 0; offset + 4 <= bytes.length && offset + 4 + bytes.readUInt32BE(offset) <= bytes.length; ) {
      const length = bytes.readUInt32BE(offset)
      out.push({ length, messages: new FrameDecoder(Infinity).push(bytes.subarray(offset, offset + 4 + length))[0]! })
      offset += 4 + length
    }
    return out
  }
  /** The frames, once they hold `messages` messages in all. */
  const frames = async (messages: number) => {
    await waitUntil(() => decode().reduce((sum, frame) => sum + frame.messages.length, 0) >= messages, 5000, `${messages} messages`)
    return decode()
  }
  return { sender, frames }
}

describe('BatchedSender and the frame limit', () => {
  const limit = 64 * 1024

  it('splits a batch over the limit into frames under it, in order', async () => {
    const { sender, frames } = await rawFramePair()
    const wire = new BatchedSender(sender, 'immediate', limit)
    const sent = Array.from({ length: 500 }, (_, i) => ({ i, pad: 'x'.repeat(1000) }))
    await Promise.all(sent.map((message) => wire.sendWritten(message)))
    const got = await frames(sent.length)
    expect(got.length).toBeGreaterThan(1)
    for (const frame of got) expect(frame.length).toBeLessThanOrEqual(limit)
    expect(got.flatMap((frame) => frame.messages)).toEqual(sent)
  })

  it('rejects one message over the limit with a RangeError naming both sizes, and sends the rest', async () => {
    const { sender, frames } = await rawFramePair()
    const wire = new BatchedSender(sender, 'immediate', limit)
    const outcomes = await Promise.allSettled([wire.sendWritten({ n: 1 }), wire.sendWritten({ big: 'y'.repeat(limit) }), wire.sendWritten({ n: 2 })])
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    const error = (outcomes[1] as PromiseRejectedResult).reason as Error
    expect(error).toBeInstanceOf(RangeError)
    expect(error.message).toMatch(/^this value is too big to send to another process: it takes 65,5\d\d bytes to send, over the limit of 65,504 bytes for one message \(one frame holds 64 KiB\)/)
    expect((await frames(2)).flatMap((frame) => frame.messages)).toEqual([{ n: 1 }, { n: 2 }])
    // Alone in its batch, too.
    await expect(wire.sendWritten({ big: 'z'.repeat(limit) })).rejects.toThrow(RangeError)
  })
})
