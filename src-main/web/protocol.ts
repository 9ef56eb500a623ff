// Turns WebSocket messages into requests for the host and the host's responses into messages.
// Whatever arrives, the answer is a well-formed response: bad input is the client's problem, never
// the server's crash.
import { clientRequestId, type ErrorInfo, type Response } from '../../src-shared/contract'
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

/** The id a parsed request names, when it is one a client can match; else UNKNOWN_REQUEST_ID. */
export function requestIdOf(request: unknown): number {
  return clientRequestId(request) ?? UNKNOWN_REQUEST_ID
}

function failure(id: number, error: ErrorInfo): Response {
  return { id, ok: false, error }
}

export interface IncomingMessage {
  data: Buffer
  isBinary: boolean
}

/** A message read as a request for the host, or the response that refuses it without the host. */
export type Decoded = { ok: true; id: number; request: unknown } | { ok: false; response: Response }

export function decodeMessage(message: IncomingMessage, maxMessageBytes: number): Decoded {
  if (message.isBinary) {
    return { ok: false, response: failure(UNKNOWN_REQUEST_ID, { code: 'bad-request', message: 'Binary messages are not accepted: send a JSON text message.' }) }
  }
  if (message.data.byteLength > maxMessageBytes) {
    const head = message.data.subarray(0, 64).toString('utf8')
    return {
      ok: false,
      response: failure(salvageId(head), { code: 'bad-request', message: `Message too large: ${message.data.byteLength} bytes, the limit is ${maxMessageBytes}.` }),
    }
  }
  const text = message.data.toString('utf8')
  try {
    const request: unknown = JSON.parse(text)
    return { ok: true, id: requestIdOf(request), request }
  } catch (error) {
    return { ok: false, response: failure(salvageId(text), { code: 'bad-request', message: `Malformed JSON: ${error instanceof Error ? error.message : String(error)}` }) }
  }
}

/** The host's response to a decoded request; never rejects. */
export async function answer(host: Host, request: unknown): Promise<Response> {
  try {
    return await host.handle(request)
  } catch (error) {
    // The host promises never to throw; if it ever does, this client still gets its answer.
    return failure(requestIdOf(request), { code: 'internal', message: error instanceof Error ? error.message : String(error) })
  }
}

/**
 * A response as the message the client gets: `{"type":"response","id":…,<body>}`. The body (all but
 * the id) is serialised on its own, so one body can answer many requests (see SharedReads).
 */
export function responseText(id: number, body: string): string {
  return `{"type":"response","id":${JSON.stringify(id)},${body}}`
}

/** The response without its id, as the inside of a JSON object: `"ok":true,"value":…`. */
export function responseBody(response: Response): string {
  const { id: _id, ...rest } = response
  return JSON.stringify(rest).slice(1, -1)
}

export function responseMessage(response: Response): string {
  return responseText(response.id, responseBody(response))
}

/** What a shed request gets: 'busy', and nothing was done for it. */
export function busyResponse(id: number): Response {
  return failure(id, {
    code: 'busy',
    message: 'Not run: the server is still working through the requests this connection sent before; wait for their answers before sending more.',
  })
}
