// Python's block/timeout rules in one place: timeouts are milliseconds, zero means do not wait,
// only an absent timeout (or block: true without one) waits forever.

export interface WaitOptions {
  block?: boolean
  /** Milliseconds; absent = no limit. */
  timeout?: number
}

/** What the broker needs: `null` waits forever, 0 does not wait. */
export function waitLimit(options: WaitOptions | undefined, what: string): number | null {
  if (options !== undefined && (typeof options !== 'object' || options === null)) throw new TypeError(`${what}: options must be an object like { block, timeout }`)
  const { block = true, timeout } = options ?? {}
  if (typeof block !== 'boolean') throw new TypeError(`${what}: block must be a boolean, got ${typeof block}`)
  if (!block) return 0
  return checkTimeout(timeout, what)
}

export function checkTimeout(timeout: number | undefined | null, what: string): number | null {
  if (timeout === undefined || timeout === null) return null
  if (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout < 0) {
    throw new TypeError(`${what}: timeout must be a non-negative number of milliseconds, got ${String(timeout)}`)
  }
  return timeout
}
