import { useIntervalFn } from '@vueuse/core'
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { SessionRunInfo } from '../../../src-shared/contract'
import type { FrameEvent } from '../../../src-shared/events'
import { call, errorMessage } from '../../shared/transport'
import { useRunStore } from '../lab/run'

export const REPLAY_SPEEDS = [1, 2, 5, 10] as const
export type ReplaySpeed = (typeof REPLAY_SPEEDS)[number]

/** How often playback advances; the Lab view redraws at most this often while playing. */
const PLAY_TICK_MS = 50

/**
 * A saved session shown in the Lab and Timeline views at a chosen time. The run store shows the
 * events up to the cursor: moving forward folds the next ones in, moving back folds from the start
 * again (the models only know how to move forward). A setup store: the playback timer is made in the
 * store's effect scope, so each Pinia has its own and `$dispose` stops it.
 */
export const useReplayStore = defineStore('replay', () => {
  const sessionId = ref<string | null>(null)
  const startedAtWall = ref(0)
  const runs = ref<SessionRunInfo[]>([])
  const runId = ref<string | null>(null)
  /** The run's events in seq order (shallow: never changed, can be 100,000 long). */
  const events = shallowRef<readonly FrameEvent[]>([])
  /** times[i]: the latest t among events 0..i, so the cursor can binary-search a sorted list. */
  const times = shallowRef<readonly number[]>([])
  /** Events folded into the run store: events[0 .. applied). */
  const applied = ref(0)
  const cursorUs = ref(0)
  const playing = ref(false)
  const speed = ref<ReplaySpeed>(1)
  const loading = ref(false)
  const error = ref<string | null>(null)
  /** The host's note about this replay (capped, damaged lines skipped), or null. */
  const message = ref<string | null>(null)

  /** Replay mode is the run store's flag, so leaving it from anywhere (Run, Back to live) ends it here too. */
  const active = computed(() => useRunStore().replaying && sessionId.value !== null)
  const startUs = computed(() => events.value[0]?.t ?? 0)
  const endUs = computed(() => times.value.at(-1) ?? 0)

  let lastTickAt = 0
  const player = useIntervalFn(() => tick(), PLAY_TICK_MS, { immediate: false })

  /** Loads one run of a session (the last one by default) and shows it from its start. */
  async function open(id: string, run?: string): Promise<boolean> {
    pause()
    loading.value = true
    error.value = null
    try {
      const replay = await call('sessions.read', run === undefined ? { id } : { id, runId: run })
      useRunStore().enterReplay()
      sessionId.value = id
      startedAtWall.value = replay.startedAtWall
      runs.value = replay.runs
      runId.value = replay.runId
      events.value = replay.events
      times.value = runningMax(replay.events)
      applied.value = 0
      message.value = replay.message
      seek(startUs.value)
      return true
    } catch (e) {
      error.value = errorMessage(e)
      return false
    } finally {
      loading.value = false
    }
  }
  /** Shows the run as it was at session time `us`. */
  function seek(us: number) {
    const target = Math.min(Math.max(us, startUs.value), endUs.value)
    const count = upperBound(times.value, target)
    const run = useRunStore()
    if (count >= applied.value) run.foldMore(events.value.slice(applied.value, count))
    else run.showEvents(events.value.slice(0, count))
    applied.value = count
    cursorUs.value = target
  }
  function play() {
    if (!active.value || playing.value) return
    // Play at the end means play again.
    if (cursorUs.value >= endUs.value) seek(startUs.value)
    playing.value = true
    lastTickAt = performance.now()
    player.resume()
  }
  function pause() {
    playing.value = false
    player.pause()
  }
  function tick() {
    // Whatever paused (the button, Back to live, a new run), no tick may move the cursor after it.
    if (!playing.value || !active.value) return pause()
    const now = performance.now()
    // Real elapsed time, not the nominal tick: a busy renderer must not slow the replay's clock.
    const elapsedUs = (now - lastTickAt) * 1000 * speed.value
    lastTickAt = now
    seek(cursorUs.value + elapsedUs)
    if (cursorUs.value >= endUs.value) pause()
  }
  async function backToLive() {
    pause()
    sessionId.value = null
    events.value = []
    times.value = []
    applied.value = 0
    message.value = null
    error.value = null
    await useRunStore().leaveReplay()
  }

  return {
    sessionId,
    startedAtWall,
    runs,
    runId,
    events,
    times,
    applied,
    cursorUs,
    playing,
    speed,
    loading,
    error,
    message,
    active,
    startUs,
    endUs,
    open,
    seek,
    play,
    pause,
    tick,
    backToLive,
  }
})

function runningMax(events: readonly FrameEvent[]): number[] {
  const times = new Array<number>(events.length)
  let max = 0
  for (let i = 0; i < events.length; i++) {
    max = Math.max(max, events[i]!.t)
    times[i] = max
  }
  return times
}

/** How many entries of the ascending list are ≤ value. */
function upperBound(sorted: readonly number[], value: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]! <= value) lo = mid + 1
    else hi = mid
  }
  return lo
}
