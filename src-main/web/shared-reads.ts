// Identical reads are answered by one computation: a UI polling the process table, a second tab
// doing the same, or a client asking a thousand times a second cost the host one table, serialised
// once. Only reads whose answer does not depend on who asks: asked while one is being computed,
// they share it; the monitor's reads also share an answer made in the last FRESH_MS (a table
// 0.1 s old is as good as a new one to a UI refreshing every 0.5 s or more, and a flood of them
// then costs no sampling of /proc at all).
import type { CommandName } from '../../src-shared/contract'
import type { Host } from '../host/types'
import { answer, responseBody, responseText } from './protocol'

const SHARED_READS: ReadonlySet<string> = new Set<CommandName>(['hello', 'scenarios.list', 'monitor.list', 'monitor.changes', 'monitor.system', 'monitor.details', 'sessions.list'])

/**
 * Reads whose recent answer is reused. Not sessions.list: right after a delete, the list must not
 * show the deleted session.
 */
const FRESH_READS: ReadonlySet<string> = new Set<CommandName>(['hello', 'scenarios.list', 'monitor.list', 'monitor.changes', 'monitor.system', 'monitor.details'])
const FRESH_MS = 100
/** Recent answers kept (the newest): a client varying its arguments cannot make the server hold many tables. */
const MAX_RECENT = 8

/** Their arguments are a few bytes (`{}`, `{"since":12}`, `{"pid":34}`); larger messages are answered one by one. */
const MAX_SHARED_MESSAGE_BYTES = 256

export class SharedReads {
  private readonly inFlight = new Map<string, Promise<string>>()
  private readonly recent = new Map<string, { body: string; at: number }>()

  constructor(
    private readonly host: Host,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The response message for a decoded request whose id is `id`; `key` from shareKeyOf. */
  async reply(id: number, request: unknown, key: string | null): Promise<string> {
    if (key === null) return responseText(id, responseBody(await answer(this.host, request)))
    const fresh = this.recent.get(key)
    if (fresh !== undefined && this.now() - fresh.at <= FRESH_MS) return responseText(id, fresh.body)
    let body = this.inFlight.get(key)
    if (body === undefined) {
      const { cmd, args } = request as { cmd: string; args?: unknown }
      // The id does not change the outcome (shareKeyOf took only valid ones): any will do.
      body = answer(this.host, { id: 0, cmd, args }).then(responseBody)
      this.inFlight.set(key, body)
      body.then(
        (text) => {
          this.inFlight.delete(key)
          if (FRESH_READS.has(cmd)) this.remember(key, text)
        },
        () => this.inFlight.delete(key),
      )
    }
    return responseText(id, await body)
  }

  private remember(key: string, body: string): void {
    this.recent.delete(key)
    this.recent.set(key, { body, at: this.now() })
    for (const old of this.recent.keys()) {
      if (this.recent.size <= MAX_RECENT) break
      this.recent.delete(old)
    }
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
