// Turns one WebSocket text message into the host's response. Whatever arrives, the answer is a
// well-formed response: bad input is the client's problem, never the server's crash.
import type { ErrorInfo, Response } from '../../src-shared/contract'
import type { Host } from '../host/types'

export const MiB = 1024 * 1024

/** Requests carry no id we can read (malformed JSON, too big): responses for them use this one. */
export const UNKNOWN_REQUEST_ID = -1

/**
 * Reads `"id": 123` from the start of a message that we refuse to parse, so the client's pending
 * request fails at once instead of waiting forever for an answer it cannot match.
 */
export function salvageId(text: string): number {
  const match = /^\s*\{\s*"id"\s*:\s*(\d{1,15})\s*[,}]/.exec(text.slice(0, 64))
  return match ? Number(match[1]) : UNKNOWN_REQUEST_ID
}

function failure(id: number, error: ErrorInfo): Response {
  return { id, ok: false, error }
}

export interface IncomingMessage {
  data: Buffer
  isBinary: boolean
}

export async function answer(host: Host, message: IncomingMessage, maxMessageBytes: number): Promise<Response> {
  if (message.isBinary) {
    return failure(UNKNOWN_REQUEST_ID, { code: 'bad-request', message: 'Binary messages are not accepted: send a JSON text message.' })
  }
  if (message.data.byteLength > maxMessageBytes) {
    const head = message.data.subarray(0, 64).toString('utf8')
    return failure(salvageId(head), {
      code: 'bad-request',
      message: `Message too large: ${message.data.byteLength} bytes, the limit is ${maxMessageBytes}.`,
    })
  }
  const text = message.data.toString('utf8')
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    return failure(salvageId(text), {
      code: 'bad-request',
      message: `Malformed JSON: ${error instanceof Error ? error.message : String(error)}`,
    })
  }
  try {
    return await host.handle(parsed)
  } catch (error) {
    // The host promises never to throw; if it ever does, this client still gets its answer.
    const id = typeof (parsed as { id?: unknown } | null)?.id === 'number' ? (parsed as { id: number }).id : UNKNOWN_REQUEST_ID
    return failure(id, { code: 'internal', message: error instanceof Error ? error.message : String(error) })
  }
}
