// The System store's polling belongs to its Pinia: two apps (two Pinias) poll on timers of their own,
// and a store's $dispose stops its own polling and no other. Fake timers count the timers and run
// them; with no host to ask (no transport here) each poll ends in an error, which is how a poll shows.
import '../../helpers/rendererGlobals'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { SystemProcess, SystemSummary } from '../../../src-shared/contract'
import { useSystemStore } from '../../../src-renderer/features/system/system'
import { toColumns } from '../../../src-main/monitor/changes'

const SUMMARY: SystemSummary = { cpus: [0], load: [0, 0, 0], mem: { total: 1, used: 0, available: 1 }, swap: { total: 0, used: 0 }, processes: 1, threads: null, uptimeS: 1 }
const ONE: SystemProcess = { pid: 42, ppid: 1, name: 'node', command: 'node', user: 'me', state: 'sleeping', cpu: 0, rss: 0, startedAt: 0, lab: false, threads: 1, nice: 0, memPercent: 0, signalRefused: null }

function systemStoreOf(pinia: Pinia) {
  setActivePinia(pinia)
  return useSystemStore()
}

describe('system store polling', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('gives each Pinia its own poll timer: starting one does not cancel the other', async () => {
    const a = systemStoreOf(createPinia())
    const b = systemStoreOf(createPinia())
    a.startPolling()
    b.startPolling()
    expect(vi.getTimerCount()).toBe(2)
    await vi.advanceTimersToNextTimerAsync()
    await vi.waitFor(() => expect(a.error !== null && b.error !== null).toBe(true))
    a.stopPolling()
    b.stopPolling()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('starts fresh in a fresh Pinia: no rows, not polling, default settings', () => {
    const a = systemStoreOf(createPinia())
    a.apply({ id: 1, since: null, added: toColumns([ONE]), removed: [], updated: {}, count: 1 }, SUMMARY)
    expect(a.orderedRows().rows.map((r) => r.pid)).toEqual([42])
    a.setInterval(5_000)
    a.filter = 'node'
    a.startPolling()
    const b = systemStoreOf(createPinia())
    expect(b.polling).toBe(false)
    expect(b.intervalMs).toBe(1_000)
    expect(b.filter).toBe('')
    expect(b.sampledAt).toBe(null)
    expect(b.orderedRows().rows).toEqual([])
    expect(b.processByPid(42)).toBe(undefined)
    a.stopPolling()
  })

  it('stops its poll timer when the store is disposed, and leaves another Pinia polling', async () => {
    const a = systemStoreOf(createPinia())
    const b = systemStoreOf(createPinia())
    a.startPolling()
    b.startPolling()
    a.$dispose()
    expect(vi.getTimerCount()).toBe(1)
    await vi.advanceTimersToNextTimerAsync()
    await vi.waitFor(() => expect(b.error).not.toBe(null))
    expect(a.error).toBe(null)
    b.$dispose()
    expect(vi.getTimerCount()).toBe(0)
  })
})
