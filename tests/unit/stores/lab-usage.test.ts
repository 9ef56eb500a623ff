// The Lab tree's CPU and memory come from the host's monitor.sample events, folded by a real Pinia store.
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { FrameEvent } from '../../../src-shared/events'
import { useLabUsageStore } from '../../../src-renderer/features/lab/labUsage'

let seq = 0
const event = (body: Record<string, unknown>): FrameEvent => ({ seq: ++seq, t: seq * 1000, ...body }) as unknown as FrameEvent
const sample = (...processes: Array<[string, number, number, number]>) =>
  event({ kind: 'monitor.sample', processes: processes.map(([lid, pid, cpu, rss]) => ({ lid, pid, cpu, rss })) })

describe('labUsage store', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('shows the newest sample at publish, keeps a process missing from it, and forgets all at a new run', () => {
    const usage = useLabUsageStore()
    usage.fold([sample(['r/0', 100, 1.5, 4096], ['r/1', 101, 50, 8192])])
    expect(usage.byPid).toEqual({}) // folded, not shown until the frame is published
    usage.publish()
    expect(usage.byPid).toEqual({ 100: { cpu: 1.5, rss: 4096 }, 101: { cpu: 50, rss: 8192 } })
    usage.fold([sample(['r/0', 100, 2, 4096]), sample(['r/0', 100, 3, 5000])])
    usage.publish()
    expect(usage.byPid[100]).toEqual({ cpu: 3, rss: 5000 })
    expect(usage.byPid[101]).toEqual({ cpu: 50, rss: 8192 })
    usage.fold([event({ kind: 'run.start', runId: 'r2', title: 'again' })])
    usage.publish()
    expect(usage.byPid).toEqual({})
  })

  it('replace shows exactly the given events (a replay position, a snapshot)', () => {
    const usage = useLabUsageStore()
    usage.fold([sample(['r/0', 100, 1, 1])])
    usage.publish()
    usage.replace([sample(['r/0', 200, 7, 7])])
    expect(usage.byPid).toEqual({ 200: { cpu: 7, rss: 7 } })
  })
})
