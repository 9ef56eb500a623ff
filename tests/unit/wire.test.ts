// The frame format between lab processes and the broker: whatever way the bytes are cut.
import { serialize } from 'node:v8'
import { describe, expect, it } from 'vitest'
import { encodeFrame, FrameDecoder, MAX_FRAME } from '../../src-main/lab/wire'

describe('FrameDecoder', () => {
  const frames = [[{ op: 'a', n: 1 }], [new Map([['k', new Set([1, 2])]]), 'two'], [Buffer.alloc(5_000, 7)], []]
  const bytes = Buffer.concat(frames.map((frame) => encodeFrame(frame)))

  it('yields the same frames for every way of cutting the stream in two', () => {
    for (let cut = 0; cut <= bytes.length; cut += 211) {
      const decoder = new FrameDecoder()
      const out = [...decoder.push(bytes.subarray(0, cut)), ...decoder.push(bytes.subarray(cut))]
      expect(out).toEqual(frames)
    }
  })

  it('decodes a large frame that arrives in many small chunks, once it is whole', () => {
    const big = encodeFrame([Buffer.alloc(4 * 1024 * 1024, 3)])
    const decoder = new FrameDecoder()
    const out: unknown[][] = []
    for (let offset = 0; offset < big.length; offset += 65_536) out.push(...decoder.push(big.subarray(offset, offset + 65_536)))
    expect(out).toHaveLength(1)
    expect((out[0]![0] as Buffer).length).toBe(4 * 1024 * 1024)
    expect(decoder.takeRest().length).toBe(0)
  })

  it('refuses a length past the limit instead of waiting for it', () => {
    const header = Buffer.alloc(4)
    header.writeUInt32BE(MAX_FRAME + 1, 0)
    expect(() => new FrameDecoder().push(header)).toThrow(/exceeds/)
  })
})

describe('FrameDecoder limits', () => {
  it('refuses a frame over its own limit as soon as the length arrives', () => {
    expect(() => new FrameDecoder(16 * 1024).push(Buffer.from([0, 0, 0x40, 0x01]))).toThrow('a frame of 16,385 bytes, which exceeds the 16 KiB limit')
  })

  it('decodes no more frames than asked, keeping the rest for later (and for a new limit)', () => {
    const decoder = new FrameDecoder(64)
    const bytes = Buffer.concat([encodeFrame(['opening']), encodeFrame(['x'.repeat(1000)])])
    expect(decoder.push(bytes, 1)).toEqual([['opening']])
    decoder.limit = MAX_FRAME
    expect(decoder.push(Buffer.alloc(0))).toEqual([['x'.repeat(1000)]])
  })

  it('says what is wrong with bytes that are not frames', () => {
    expect(() => new FrameDecoder().push(Buffer.from([0, 0, 0, 3, 1, 2, 3]))).toThrow(/^a frame that does not decode/)
    const notArray = serialize({ op: 'x' })
    expect(() => new FrameDecoder().push(Buffer.concat([Buffer.from([0, 0, 0, notArray.length]), notArray]))).toThrow('a frame that does not hold an array of messages')
  })
})
