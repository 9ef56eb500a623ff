// WebSocket frames written byte by byte (RFC 6455 §5.2), for tests that must send what no WebSocket
// library would: wrong bits, wrong lengths, frames cut short. And a seeded random source, so a
// fuzz failure can be replayed.
import { randomBytes } from 'node:crypto'
import { connect, type Socket } from 'node:net'

export const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const

export interface FrameSpec {
  opcode: number
  payload?: Buffer | string
  /** Default true. */
  fin?: boolean
  /** RSV1-3 as a 3-bit number (0 unless an extension was agreed, which none is). */
  rsv?: number
  /** Default true: a client must mask. */
  masked?: boolean
  /** A length field that lies about the payload (the payload is written as given). */
  declaredLength?: number | bigint
}

export function frame(spec: FrameSpec): Buffer {
  const payload = typeof spec.payload === 'string' ? Buffer.from(spec.payload, 'utf8') : (spec.payload ?? Buffer.alloc(0))
  const masked = spec.masked ?? true
  const length = BigInt(spec.declaredLength ?? payload.length)
  const first = ((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | (spec.opcode & 0x0f)
  const maskBit = masked ? 0x80 : 0
  let header: Buffer
  if (length < 126n) {
    header = Buffer.from([first, maskBit | Number(length)])
  } else if (length < 65536n) {
    header = Buffer.alloc(4)
    header[0] = first
    header[1] = maskBit | 126
    header.writeUInt16BE(Number(length), 2)
  } else {
    header = Buffer.alloc(10)
    header[0] = first
    header[1] = maskBit | 127
    header.writeBigUInt64BE(length, 2)
  }
  if (!masked) return Buffer.concat([header, payload])
  const mask = randomBytes(4)
  const body = Buffer.from(payload)
  for (let i = 0; i < body.length; i++) body[i]! ^= mask[i % 4]!
  return Buffer.concat([header, mask, body])
}

/** A TCP connection that has completed a valid WebSocket handshake and will take any bytes after. */
/**
 * A WebSocket connection made by hand. With `allowHalfOpen`, the socket does not end its side when the
 * server ends its own: the server sees the connection closing but never closed.
 */
export async function rawWebSocket(port: number, token: string, { allowHalfOpen = false } = {}): Promise<{ socket: Socket; received: () => Buffer; ended: Promise<void> }> {
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen })
  const chunks: Buffer[] = []
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  socket.on('error', () => {}) // the server may reset us; the test looks at `ended`
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('error', reject)
  })
  socket.write(
    `GET /ws?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://127.0.0.1:${port}\r\n` +
      `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  )
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      chunks.push(chunk)
      const text = Buffer.concat(chunks).toString('latin1')
      const end = text.indexOf('\r\n\r\n')
      if (end === -1) return
      socket.off('data', onData)
      if (!text.startsWith('HTTP/1.1 101')) return reject(new Error(`handshake refused: ${text.slice(0, 200)}`))
      const rest = Buffer.concat(chunks).subarray(end + 4)
      chunks.length = 0
      if (rest.length) chunks.push(rest)
      socket.on('data', (more: Buffer) => chunks.push(more))
      resolve()
    }
    socket.on('data', onData)
  })
  return { socket, received: () => Buffer.concat(chunks), ended }
}

/** The server's frames in `bytes` (unmasked, as a server sends them): opcode and payload of each whole one. */
export function parseServerFrames(bytes: Buffer): Array<{ opcode: number; payload: Buffer }> {
  const frames: Array<{ opcode: number; payload: Buffer }> = []
  let at = 0
  while (at + 2 <= bytes.length) {
    const opcode = bytes[at]! & 0x0f
    let length = bytes[at + 1]! & 0x7f
    let start = at + 2
    if (length === 126) {
      if (start + 2 > bytes.length) break
      length = bytes.readUInt16BE(start)
      start += 2
    } else if (length === 127) {
      if (start + 8 > bytes.length) break
      length = Number(bytes.readBigUInt64BE(start))
      start += 8
    }
    if (start + length > bytes.length) break
    frames.push({ opcode, payload: bytes.subarray(start, start + length) })
    at = start + length
  }
  return frames
}

export { randomBuffer, seededRandom } from './seeded-random'
