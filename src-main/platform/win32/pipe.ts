import type { BrokerSupport } from '../types'

/**
 * A named pipe with an unguessable name. Node offers no way to narrow its default DACL
 * (readableAll/writableAll only widen it), so the per-process tokens are what keeps other
 * clients out; a pipe leaves nothing behind to remove. (node:crypto is loaded when needed: every
 * lab process loads this module, and crypto costs ~5 ms to load.)
 */
export const namedPipeBroker: BrokerSupport = {
  address: async () => {
    const { randomBytes } = await import('node:crypto')
    return { path: `\\\\.\\pipe\\proclab-${process.pid}-${randomBytes(16).toString('hex')}`, dir: null }
  },
  listening: () => undefined,
  release: () => undefined,
}
