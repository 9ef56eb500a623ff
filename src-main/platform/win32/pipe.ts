import { randomBytes } from 'node:crypto'
import type { BrokerSupport } from '../types'

/**
 * A named pipe with an unguessable name. Node offers no way to narrow its default DACL
 * (readableAll/writableAll only widen it), so the per-process tokens are what keeps other
 * clients out; a pipe leaves nothing behind to remove.
 */
export const namedPipeBroker: BrokerSupport = {
  address: async () => ({ path: `\\\\.\\pipe\\proclab-${process.pid}-${randomBytes(16).toString('hex')}`, dir: null }),
  listening: () => undefined,
  release: () => undefined,
}
