// The replay store's playback timer belongs to its Pinia: two apps (two Pinias) play on timers of
// their own, and a store's $dispose stops its own playback and no other. Fake timers (and a fake
// performance clock, which playback reads for the real elapsed time) run the ticks.
import '../../helpers/rendererGlobals'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { FrameEvent } from '../../../src-shared/events'
import { useRunStore } from '../../../src-renderer/features/lab/run'
import { useReplayStore } from '../../../src-renderer/features/sessions/replay'

/** A replay of events at 0 .. 10 s of session time, paused at its start (what `open` leaves). */
function replayIn(pinia: Pinia) {
  setActivePinia(pinia)
  const replay = useReplayStore()
  useRunStore().enterReplay()
  const events = Array.from({ length: 11 }, (_, i) => ({ seq: i + 1, t: i * 1_000_000, kind: 'lab.log', text: `${i}` }) as unknown as FrameEvent)
  replay.sessionId = 'session'
  replay.events = events
  replay.times = events.map((e) => e.t)
  replay.seek(0)
  return replay
}

describe('replay store playback', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] }))
  afterEach(() => vi.useRealTimers())

  it('gives each Pinia its own playback timer: both replays advance', () => {
    const a = replayIn(createPinia())
    const b = replayIn(createPinia())
    a.play()
    b.play()
    expect(vi.getTimerCount()).toBe(2)
    vi.advanceTimersByTime(1_000)
    expect(a.cursorUs).toBeGreaterThan(0)
    expect(b.cursorUs).toBe(a.cursorUs)
    a.pause()
    b.pause()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('starts fresh in a fresh Pinia: nothing loaded, not playing', () => {
    const a = replayIn(createPinia())
    a.play()
    setActivePinia(createPinia())
    const b = useReplayStore()
    expect(b.sessionId).toBe(null)
    expect(b.events).toEqual([])
    expect(b.playing).toBe(false)
    expect(b.active).toBe(false)
    a.pause()
  })

  it('stops its playback timer when the store is disposed, and leaves another Pinia playing', () => {
    const a = replayIn(createPinia())
    const b = replayIn(createPinia())
    a.play()
    b.play()
    a.$dispose()
    expect(vi.getTimerCount()).toBe(1)
    vi.advanceTimersByTime(1_000)
    expect(b.cursorUs).toBeGreaterThan(0)
    b.$dispose()
    expect(vi.getTimerCount()).toBe(0)
  })
})
