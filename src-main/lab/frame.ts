// The layout of a frame between lab processes and the broker: a 4-byte big-endian length, then
// one v8-serialised array of messages. Apart from wire.ts, which brings the platform layer, so that
// a lab process can say who it is before it has loaded the rest of the runtime (runtime/entry.ts).
import { serialize } from 'node:v8'

export const FRAME_HEADER = 4

export function encodeFrame(messages: readonly unknown[]): Buffer {
  return frameOf(serialize(messages))
}

export function frameOf(body: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER + body.length)
  frame.writeUInt32BE(body.length, 0)
  body.copy(frame, FRAME_HEADER)
  return frame
}
