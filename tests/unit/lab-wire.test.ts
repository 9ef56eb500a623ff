// The lab's wire: messages reach the other end in the order they were sent, merged counts included.
import { mkdtempSync, rmSync } from 'node:fs'
import { createConnection, createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { BatchedSender, FrameDecoder } from '../../src-main/lab/wire'
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
