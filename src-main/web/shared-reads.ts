// Identical reads asked at the same time are answered by one computation: a UI polling the process
// table, a second tab doing the same, or a client asking a thousand times at once cost the host one
// table, serialised once. Only reads whose answer does not depend on who asks, and only while one
// is being computed: the next request after it is answered starts a fresh one.
import type { CommandName } from '../../src-shared/contract'
import type { Host } from '../host/types'
import { answer, responseBody, responseText } from './protocol'

const SHARED_READS: ReadonlySet<string> = new Set<CommandName>(['hello', 'scenarios.list', 'monitor.list', 'monitor.changes', 'monitor.system', 'monitor.details', 'sessions.list'])

/** Their arguments are a few bytes (`{}`, `{"since":12}`, `{"pid":34}`); larger messages are answered one by one. */
const MAX_SHARED_MESSAGE_BYTES = 256

export class SharedReads {
  private readonly inFlight = new Map<string, Promise<string>>()

  constructor(private readonly host: Host) {}

  /** The response message for a decoded request whose id is `id`; `key` from shareKeyOf. */
  async reply(id: number, request: unknown, key: string | null): Promise<string> {
    if (key === null) return responseText(id, responseBody(await answer(this.host, request)))
    let body = this.inFlight.get(key)
    if (body === undefined) {
      const { cmd, args } = request as { cmd: string; args?: unknown }
      // The id does not change the outcome (shareKeyOf took only valid ones): any will do.
      body = answer(this.host, { id: 0, cmd, args }).then(responseBody)
      this.inFlight.set(key, body)
      const forget = () => this.inFlight.delete(key)
      body.then(forget, forget)
    }
    return responseText(id, await body)
  }
}

/** What makes two requests the same read, or null when the request is not one to share. */
export function shareKeyOf(id: number, request: unknown, bytes: number): string | null {
  if (bytes > MAX_SHARED_MESSAGE_BYTES || id < 0 || typeof request !== 'object' || request === null || Array.isArray(request)) return null
  const { cmd, args } = request as { cmd?: unknown; args?: unknown }
  if (typeof cmd !== 'string' || !SHARED_READS.has(cmd)) return null
  // Anything else in the envelope is the host's to refuse, request by request.
  if (Object.keys(request).some((key) => key !== 'id' && key !== 'cmd' && key !== 'args')) return null
  return `${cmd}\n${args === undefined ? '' : JSON.stringify(args)}`
}
