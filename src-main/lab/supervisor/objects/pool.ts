// A Pool in the broker: only its telemetry. The pool's state lives in the process that made it
// (lab/pool.ts), which reports what happened in batches (lab/pool-telemetry.ts); this object checks
// each entry and emits it as a pool.* event, stamped with the time the owner measured.
import type { PoolReportEntry } from '../../pool-telemetry'
import { unknownMethod, type BrokerObject, type Call, type Caller, type ObjectEnv, type ObjectEvent } from './base'

const KINDS: ReadonlySet<string> = new Set(['pool.queued', 'pool.start', 'pool.done', 'pool.failed', 'pool.summary', 'pool.worker', 'pool.close'])

export class PoolObject implements BrokerObject {
  readonly type = 'pool'

  constructor(
    readonly oid: string,
    readonly name: string,
    private readonly env: ObjectEnv,
  ) {}

  call(method: string, _args: Record<string, unknown>, call: Call): void {
    unknownMethod(this, method, call)
  }

  tell(method: string, args: Record<string, unknown>, _caller: Caller): void {
    if (method !== 'report' || !Array.isArray(args.entries)) return unknownMethod(this, method)
    const latest = this.env.now()
    for (const entry of args.entries as PoolReportEntry[]) {
      if (!isEntry(entry)) {
        this.env.warn(`pool ${this.name}: a malformed report entry was dropped`)
        continue
      }
      // Never in the future: the owner's clock is the machine's monotonic clock, as the host's.
      this.env.emit({ lid: entry.lid, pid: entry.pid }, entry.event as ObjectEvent, Math.min(entry.at, latest))
    }
  }

  processGone(): void {}
}

function isEntry(entry: unknown): entry is PoolReportEntry {
  const e = entry as PoolReportEntry | null
  return typeof e === 'object' && e !== null && typeof e.lid === 'string' && typeof e.pid === 'number' && typeof e.at === 'number' && typeof e.event === 'object' && e.event !== null && KINDS.has(e.event.kind)
}
