// The byte ring of a Pipe's direction (src-main/lab/shm/ring.ts), between real processes: a
// producer and a consumer move frames of random sizes through a small ring (so it wraps and pads
// often) and agree on every byte; a full ring makes the writer wait until a frame is read; the
// WRITERS_GONE flag ends the consumer once the ring is empty.
import { afterEach, describe, expect, it } from 'vitest'
import { HEADER_WORDS, SharedSegment } from '../../src-main/lab/shm'
import { ByteRing, FRAME_BYTES, WRITERS_GONE } from '../../src-main/lab/shm/ring'
import { RING_WORKER, startWorker } from '../helpers/shm-workers'

const made: SharedSegment[] = []
afterEach(() => {
  for (const segment of made.splice(0)) {
    segment.unlink()
    segment.close()
  }
})

function newRing(capacity: number): { ring: ByteRing; job: { name: string; size: number; base: number } } {
  const segment = SharedSegment.create(ByteRing.bytesFor(capacity))
  made.push(segment)
  const ring = ByteRing.format(segment, HEADER_WORDS, capacity)
  return { ring, job: { ...segment.address, base: HEADER_WORDS } }
}

describe('a shared-memory byte ring', () => {
  it('carries 20,000 frames of random sizes from one process to another, every byte in order, then EOF', async () => {
    // 16 KiB and frames up to 3,000 bytes: the write position wraps ~1,800 times, with pads.
    const { ring, job } = newRing(16 * 1024)
    const work = { ...job, n: 20_000, seed: 12345, maxSize: 3000 }
    const consumer = startWorker({ mode: 'consume', ...work }, RING_WORKER)
    const producer = startWorker({ mode: 'produce', ...work, report: true }, RING_WORKER)
    const sent = await producer.line('sent ')
    expect((await producer.exited).code).toBe(0)
    const received = await consumer.line('received ')
    const [, count, sum] = sent.split(' ')
    expect(received).toBe(`received ${count} ${sum} 0`)
    expect(count).toBe('20000')
    // The consumer waits at the empty ring until the broker's flag says no writer is left.
    ring.setFlag(WRITERS_GONE)
    expect(await consumer.line('eof')).toBe('eof')
    expect((await consumer.exited).code).toBe(0)
    const counts = ring.counts()
    expect(counts.sent).toBe(20_000)
    expect(counts.received).toBe(20_000)
    expect(counts.sentBytes).toBe(counts.receivedBytes)
    expect(ring.used).toBe(0)
  })

  it('makes a writer wait while the ring is full, and lets it write once a frame is read', async () => {
    const { ring, job } = newRing(4096)
    const writer = startWorker({ mode: 'fill', ...job, frame: 1000 }, RING_WORKER)
    // 1,000 bytes + an 8-byte header, 8-aligned: four fit in 4,096 bytes.
    expect(await writer.line('full ')).toBe('full 4')
    const usedWhenFull = ring.used
    // Nothing is read yet: it must still be waiting (it would have said "wrote" at once otherwise).
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(ring.used).toBe(usedWhenFull)
    const frame = ring.peek()!
    expect(frame.payload.length).toBe(1000)
    expect(frame.payload.every((byte) => byte === 9)).toBe(true)
    ring.release(frame, 1000, process.pid)
    expect(await writer.line('wrote')).toBe('wrote')
    expect((await writer.exited).code).toBe(0)
    expect(ring.counts()).toMatchObject({ sent: 5, received: 1 })
  })

  it('refuses a frame bigger than half the ring, and a capacity that is not a power of two', () => {
    const { ring } = newRing(4096)
    expect(ring.maxPayload).toBe(2048 - 8)
    expect(() => ring.tryWrite(FRAME_BYTES, 2041, () => undefined, null, 1)).toThrow(RangeError)
    expect(ring.tryWrite(FRAME_BYTES, 2040, (into) => into.fill(1), null, 1)).toBe(true)
    const segment = SharedSegment.create(ByteRing.bytesFor(3000))
    made.push(segment)
    expect(() => ByteRing.format(segment, HEADER_WORDS, 3000)).toThrow(RangeError)
  })
})
