import { computed } from 'vue'
import { useConnectionStore } from './connection'
import { useReplayStore } from '../sessions/replay'
import { useNow } from '../../shared/composables/useNow'
import { useRunStore } from './run'

/**
 * Event times are µs since the session started (the host's monotonic clock); hello tells us the
 * wall-clock time of that zero, which is all we need to show live uptimes and times of day.
 */
export function useSessionClock() {
  const connection = useConnectionStore()
  const replay = useReplayStore()
  const now = useNow()
  // In replay, "now" is the scrubber's time in the replayed session.
  const startWall = computed(() => (replay.active ? replay.startedAtWall : (connection.hello?.sessionStartWall ?? null)))
  const nowUs = computed(() => (replay.active ? replay.cursorUs : startWall.value === null ? 0 : (now.value - startWall.value) * 1000))
  const toWall = (t: number) => (startWall.value ?? 0) + t / 1000
  const run = useRunStore()
  /** "Now" for the run's own times (uptimes, how long a process has waited): it stands still while the run is paused. */
  const runNowUs = computed(() => (run.paused ? Math.min(run.paused.since, nowUs.value) : nowUs.value))
  return { nowUs, runNowUs, toWall, startWall }
}
