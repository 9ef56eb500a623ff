import { defineStore } from 'pinia'
import { markRaw } from 'vue'
import type { SessionRunInfo } from '../../../src-shared/contract'
import type { FrameEvent } from '../../../src-shared/events'
import { call, errorMessage } from '../../shared/transport'
import { useRunStore } from '../lab/run'

export const REPLAY_SPEEDS = [1, 2, 5, 10] as const
export type ReplaySpeed = (typeof REPLAY_SPEEDS)[number]

/** How often playback advances; the Lab view redraws at most this often while playing. */
const PLAY_TICK_MS = 50

let playTimer: ReturnType<typeof setInterval> | null = null
let lastTickAt = 0

/**
 * A saved session shown in the Lab and Timeline views at a chosen time. The run store shows the
 * events up to the cursor: moving forward folds the next ones in, moving back folds from the start
 * again (the models only know how to move forward).
 */
export const useReplayStore = defineStore('replay', {
  state: () => ({
    sessionId: null as string | null,
    startedAtWall: 0,
    runs: [] as SessionRunInfo[],
    runId: null as string | null,
    /** The run's events in seq order (markRaw: never changed, can be 100,000 long). */
    events: markRaw([]) as readonly FrameEvent[],
    /** times[i]: the latest t among events 0..i, so the cursor can binary-search a sorted list. */
    times: markRaw([]) as readonly number[],
    /** Events folded into the run store: events[0 .. applied). */
    applied: 0,
    cursorUs: 0,
    playing: false,
    speed: 1 as ReplaySpeed,
    loading: false,
    error: null as string | null,
    /** The host's note about this replay (capped, damaged lines skipped), or null. */
    message: null as string | null,
  }),
  getters: {
    /** Replay mode is the run store's flag, so leaving it from anywhere (Run, Back to live) ends it here too. */
    active: (state) => useRunStore().replaying && state.sessionId !== null,
    startUs: (state) => state.events[0]?.t ?? 0,
    endUs: (state) => state.times.at(-1) ?? 0,
  },
  actions: {
    /** Loads one run of a session (the last one by default) and shows it from its start. */
    async open(sessionId: string, runId?: string): Promise<boolean> {
      this.pause()
      this.loading = true
      this.error = null
      try {
        const replay = await call('sessions.read', runId === undefined ? { id: sessionId } : { id: sessionId, runId })
        const run = useRunStore()
        run.enterReplay()
        this.$patch({
          sessionId,
          startedAtWall: replay.startedAtWall,
          runs: replay.runs,
          runId: replay.runId,
          events: markRaw(replay.events),
          times: markRaw(runningMax(replay.events)),
          applied: 0,
          message: replay.message,
        })
        this.seek(this.startUs)
        return true
      } catch (error) {
        this.error = errorMessage(error)
        return false
      } finally {
        this.loading = false
      }
    },
    /** Shows the run as it was at session time `us`. */
    seek(us: number) {
      const target = Math.min(Math.max(us, this.startUs), this.endUs)
      const count = upperBound(this.times, target)
      const run = useRunStore()
      if (count >= this.applied) run.foldMore(this.events.slice(this.applied, count))
      else run.showEvents(this.events.slice(0, count))
      this.applied = count
      this.cursorUs = target
    },
    play() {
      if (!this.active || this.playing) return
      // Play at the end means play again.
      if (this.cursorUs >= this.endUs) this.seek(this.startUs)
      this.playing = true
      lastTickAt = performance.now()
      playTimer ??= setInterval(() => this.tick(), PLAY_TICK_MS)
    },
    pause() {
      this.playing = false
      if (playTimer) clearInterval(playTimer)
      playTimer = null
    },
    tick() {
      // Whatever paused (the button, Back to live, a new run), no tick may move the cursor after it.
      if (!this.playing || !this.active) return this.pause()
      const now = performance.now()
      // Real elapsed time, not the nominal tick: a busy renderer must not slow the replay's clock.
      const elapsedUs = (now - lastTickAt) * 1000 * this.speed
      lastTickAt = now
      this.seek(this.cursorUs + elapsedUs)
      if (this.cursorUs >= this.endUs) this.pause()
    },
    async backToLive() {
      this.pause()
      this.sessionId = null
      this.events = markRaw([])
      this.times = markRaw([])
      this.applied = 0
      this.message = null
      this.error = null
      await useRunStore().leaveReplay()
    },
  },
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
