// What `proclab bench` measures: the measurements (one script run each, repeated and the best
// kept) and the rows of the table, each comparing a ProcLab figure with a reference figure.
import { join } from 'node:path'

export type Side = 'lab' | 'python' | 'node' | 'system'

export interface Sizes {
  queueSmall: number
  /** Small items through one Queue from QUEUE_SIDES producers to as many consumers (a multiple of QUEUE_SIDES). */
  queueMany: number
  queueBytes: number
  pipeSmall: number
  pipeBytes: number
  labLockIterations: number
  pythonLockIterations: number
  managerLockIterations: number
  /**
   * Acquire + release by each of the processes contending for the shared-memory lock word, and by
   * each of Python's on its side. Enough that the runs overlap: at 50k each a process is done in a
   * few ms, before the last one has seen "go", and the figure measures the start more than the lock.
   */
  shmLockIterations: number
  /** Acquire + release by one process alone (shared-memory lock word and Python's Lock). */
  uncontendedLockIterations: number
  /** Increments of a Value under its lock by each of the contending processes, on both sides. */
  valueLockIterations: number
  startRuns: number
  startMany: number
  telemetryItems: number
  /** Tasks of the Pool.map rows (POOL_WORKERS workers; Python's default chunking, then chunks of 1). */
  poolMapItems: number
  poolMapChunk1Items: number
  psCalls: number
  recorderSeconds: number
  /** Extra `sleep` processes alive while the monitor rows are measured. */
  sleepers: number
  /** How long the monitor's idle refresh is measured. */
  idleSeconds: number
  /** Events of the synthetic session the export rows export. */
  exportEvents: number
}

export const FULL: Sizes = {
  queueSmall: 200_000,
  queueMany: 200_000,
  queueBytes: 25_000,
  pipeSmall: 200_000,
  pipeBytes: 2_000,
  labLockIterations: 5_000,
  pythonLockIterations: 50_000,
  managerLockIterations: 2_000,
  shmLockIterations: 500_000,
  uncontendedLockIterations: 1_000_000,
  valueLockIterations: 200_000,
  startRuns: 20,
  startMany: 100,
  telemetryItems: 100_000,
  poolMapItems: 200_000,
  poolMapChunk1Items: 10_000,
  psCalls: 5,
  recorderSeconds: 10,
  sleepers: 1000,
  idleSeconds: 10,
  exportEvents: 1_000_000,
}

export const QUICK: Sizes = {
  queueSmall: 2_000,
  queueMany: 2_000,
  queueBytes: 200,
  pipeSmall: 2_000,
  pipeBytes: 50,
  labLockIterations: 100,
  pythonLockIterations: 2_000,
  managerLockIterations: 100,
  shmLockIterations: 2_000,
  uncontendedLockIterations: 20_000,
  valueLockIterations: 2_000,
  startRuns: 2,
  startMany: 5,
  telemetryItems: 2_000,
  poolMapItems: 2_000,
  poolMapChunk1Items: 200,
  psCalls: 2,
  recorderSeconds: 0.2,
  sleepers: 100,
  idleSeconds: 2,
  exportEvents: 100_000,
}

export const QUEUE_BYTES = 4096
export const PIPE_BYTES = 64 * 1024
export const LOCK_WORKERS = 4
/** Producers and consumers each of the many-to-many Queue row. */
export const QUEUE_SIDES = 4
/** Workers of the Pool.map rows. */
export const POOL_WORKERS = 4

/** One script, run `runs` times; `metric` is the field compared, `better` says which way is best. */
export interface Measurement {
  id: string
  side: Side
  /** lab: the script under bench/lab; python: the workload name of mp_bench.py; node: the script under bench/node. */
  script: string
  params: Record<string, unknown>
  metric: string
  better: 'higher' | 'lower'
  telemetry?: boolean
  /** Only where the OS has fork(2) (Python's 'fork' start method). */
  needsFork?: boolean
}

export interface Row {
  id: string
  title: string
  unit: string
  better: 'higher' | 'lower'
  proclab: string
  reference: string
  referenceName: string
  /** The goal for proclab ÷ reference (or, for kind 'cost', the most overhead allowed, as a fraction). */
  target?: { kind: 'min-ratio' | 'max-ratio' | 'max-cost'; value: number; text: string }
  /** 'cost': shows (reference ÷ proclab − 1) as a % (telemetry on vs off). */
  kind?: 'ratio' | 'cost'
}

/**
 * Untimed, between the starts of row start-warm-paused: long enough for the next spare to boot on
 * a quiet machine (≈ 60-100 ms), so each start finds one waiting.
 */
const WARM_PAUSE_MS = 500

export function measurements(sizes: Sizes): Measurement[] {
  const lock = { workers: LOCK_WORKERS }
  return [
    { id: 'lab.queue-small', side: 'lab', script: 'queue.mjs', params: { n: sizes.queueSmall, size: 0 }, metric: 'perSecond', better: 'higher' },
    { id: 'py.queue-small', side: 'python', script: 'queue', params: { n: sizes.queueSmall, size: 0 }, metric: 'perSecond', better: 'higher' },
    { id: 'lab.queue-many', side: 'lab', script: 'queue.mjs', params: { n: sizes.queueMany, size: 0, producers: QUEUE_SIDES, consumers: QUEUE_SIDES }, metric: 'perSecond', better: 'higher' },
    { id: 'py.queue-many', side: 'python', script: 'queue', params: { n: sizes.queueMany, size: 0, producers: QUEUE_SIDES, consumers: QUEUE_SIDES }, metric: 'perSecond', better: 'higher' },
    { id: 'lab.queue-bytes', side: 'lab', script: 'queue.mjs', params: { n: sizes.queueBytes, size: QUEUE_BYTES }, metric: 'mbPerSecond', better: 'higher' },
    { id: 'py.queue-bytes', side: 'python', script: 'queue', params: { n: sizes.queueBytes, size: QUEUE_BYTES }, metric: 'mbPerSecond', better: 'higher' },
    { id: 'lab.pipe-small', side: 'lab', script: 'pipe.mjs', params: { n: sizes.pipeSmall, size: 0 }, metric: 'perSecond', better: 'higher' },
    { id: 'py.pipe-small', side: 'python', script: 'pipe', params: { n: sizes.pipeSmall, size: 0 }, metric: 'perSecond', better: 'higher' },
    { id: 'lab.pipe-bytes', side: 'lab', script: 'pipe.mjs', params: { n: sizes.pipeBytes, size: PIPE_BYTES }, metric: 'mbPerSecond', better: 'higher' },
    { id: 'py.pipe-bytes', side: 'python', script: 'pipe', params: { n: sizes.pipeBytes, size: PIPE_BYTES }, metric: 'mbPerSecond', better: 'higher' },
    { id: 'lab.lock', side: 'lab', script: 'lock.mjs', params: { ...lock, iterations: sizes.labLockIterations }, metric: 'perSecond', better: 'higher' },
    { id: 'py.lock', side: 'python', script: 'lock', params: { ...lock, iterations: sizes.pythonLockIterations }, metric: 'perSecond', better: 'higher' },
    { id: 'py.manager-lock', side: 'python', script: 'manager-lock', params: { ...lock, iterations: sizes.managerLockIterations }, metric: 'perSecond', better: 'higher' },
    { id: 'lab.lock-uncontended', side: 'lab', script: 'lock.mjs', params: { mode: 'uncontended', iterations: sizes.uncontendedLockIterations }, metric: 'perSecond', better: 'higher' },
    { id: 'lab.shm-lock', side: 'lab', script: 'shm-lock.mjs', params: { mode: 'contended', ...lock, iterations: sizes.shmLockIterations }, metric: 'perSecond', better: 'higher' },
    { id: 'py.lock-shm-size', side: 'python', script: 'lock', params: { ...lock, iterations: sizes.shmLockIterations }, metric: 'perSecond', better: 'higher' },
    { id: 'lab.shm-lock-uncontended', side: 'lab', script: 'shm-lock.mjs', params: { mode: 'uncontended', iterations: sizes.uncontendedLockIterations }, metric: 'perSecond', better: 'higher' },
    { id: 'py.lock-uncontended', side: 'python', script: 'lock-uncontended', params: { iterations: sizes.uncontendedLockIterations }, metric: 'perSecond', better: 'higher' },
    { id: 'lab.value-lock', side: 'lab', script: 'value-lock.mjs', params: { ...lock, iterations: sizes.valueLockIterations }, metric: 'perSecond', better: 'higher' },
    { id: 'py.value-lock', side: 'python', script: 'value-lock', params: { ...lock, iterations: sizes.valueLockIterations }, metric: 'perSecond', better: 'higher' },
    { id: 'lab.start', side: 'lab', script: 'start.mjs', params: { runs: sizes.startRuns }, metric: 'meanMs', better: 'lower' },
    { id: 'lab.start-warm', side: 'lab', script: 'start.mjs', params: { runs: sizes.startRuns, method: 'warm' }, metric: 'meanMs', better: 'lower' },
    { id: 'lab.start-warm-paused', side: 'lab', script: 'start.mjs', params: { runs: sizes.startRuns, method: 'warm', pauseMs: WARM_PAUSE_MS }, metric: 'meanMs', better: 'lower' },
    { id: 'node.bare-fork', side: 'node', script: 'bare-fork.mjs', params: { runs: sizes.startRuns }, metric: 'meanMs', better: 'lower' },
    { id: 'py.start-spawn', side: 'python', script: 'start', params: { runs: sizes.startRuns, method: 'spawn' }, metric: 'meanMs', better: 'lower' },
    { id: 'py.start-fork', side: 'python', script: 'start', params: { runs: sizes.startRuns, method: 'fork' }, metric: 'meanMs', better: 'lower', needsFork: true },
    { id: 'lab.start-many', side: 'lab', script: 'start-many.mjs', params: { n: sizes.startMany }, metric: 'seconds', better: 'lower' },
    { id: 'py.start-many', side: 'python', script: 'start-many', params: { n: sizes.startMany, method: 'spawn' }, metric: 'seconds', better: 'lower' },
    { id: 'lab.pool-map', side: 'lab', script: 'pool-map.mjs', params: { n: sizes.poolMapItems, workers: POOL_WORKERS }, metric: 'perSecond', better: 'higher' },
    { id: 'py.pool-map', side: 'python', script: 'pool-map', params: { n: sizes.poolMapItems, workers: POOL_WORKERS }, metric: 'perSecond', better: 'higher' },
    { id: 'lab.pool-map-chunk1', side: 'lab', script: 'pool-map.mjs', params: { n: sizes.poolMapChunk1Items, workers: POOL_WORKERS, chunkSize: 1 }, metric: 'perSecond', better: 'higher' },
    { id: 'py.pool-map-chunk1', side: 'python', script: 'pool-map', params: { n: sizes.poolMapChunk1Items, workers: POOL_WORKERS, chunkSize: 1 }, metric: 'perSecond', better: 'higher' },
    { id: 'lab.telemetry-on', side: 'lab', script: 'queue.mjs', params: { n: sizes.telemetryItems, size: 0 }, metric: 'perSecond', better: 'higher', telemetry: true },
    { id: 'lab.telemetry-off', side: 'lab', script: 'queue.mjs', params: { n: sizes.telemetryItems, size: 0 }, metric: 'perSecond', better: 'higher', telemetry: false },
  ]
}

export function rows(sizes: Sizes): Row[] {
  const k = (n: number) => (n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n))
  // Issue 15's "must" figures: 1.5× Python for small items, 1× for big ones and for Value.
  const atLeastPython = { kind: 'min-ratio', value: 1, text: '≥ 1.0× Python' } as const
  const wellAbovePython = { kind: 'min-ratio', value: 1.5, text: '≥ 1.5× Python' } as const
  return [
    { id: 'queue-small', title: `Queue 1→1, ${k(sizes.queueSmall)} small items`, unit: 'msgs/s', better: 'higher', proclab: 'lab.queue-small', reference: 'py.queue-small', referenceName: 'Python Queue', target: wellAbovePython },
    { id: 'queue-many', title: `Queue ${QUEUE_SIDES}→${QUEUE_SIDES}, ${k(sizes.queueMany)} small items`, unit: 'msgs/s', better: 'higher', proclab: 'lab.queue-many', reference: 'py.queue-many', referenceName: 'Python Queue', target: wellAbovePython },
    { id: 'queue-bytes', title: `Queue 1→1, ${k(sizes.queueBytes)} × 4 KiB`, unit: 'MB/s', better: 'higher', proclab: 'lab.queue-bytes', reference: 'py.queue-bytes', referenceName: 'Python Queue', target: atLeastPython },
    { id: 'pipe-small', title: `Pipe one-way, ${k(sizes.pipeSmall)} small msgs`, unit: 'msgs/s', better: 'higher', proclab: 'lab.pipe-small', reference: 'py.pipe-small', referenceName: 'Python Pipe', target: wellAbovePython },
    { id: 'pipe-bytes', title: `Pipe one-way, ${k(sizes.pipeBytes)} × 64 KiB`, unit: 'MB/s', better: 'higher', proclab: 'lab.pipe-bytes', reference: 'py.pipe-bytes', referenceName: 'Python Pipe', target: atLeastPython },
    { id: 'lock-manager', title: `Lock, ${LOCK_WORKERS} procs contending`, unit: 'ops/s', better: 'higher', proclab: 'lab.lock', reference: 'py.manager-lock', referenceName: 'Python Manager().Lock()', target: { kind: 'min-ratio', value: 10, text: '≥ 10× Manager().Lock()' } },
    { id: 'lock-native', title: `Lock, ${LOCK_WORKERS} procs contending`, unit: 'ops/s', better: 'higher', proclab: 'lab.lock', reference: 'py.lock', referenceName: 'Python mp.Lock (semaphore)', target: { kind: 'min-ratio', value: 0.5, text: '≥ 0.5× mp.Lock' } },
    { id: 'lock-uncontended', title: 'Lock uncontended (public Lock)', unit: 'ops/s', better: 'higher', proclab: 'lab.lock-uncontended', reference: 'py.lock-uncontended', referenceName: 'Python mp.Lock (semaphore)', target: { kind: 'min-ratio', value: 1, text: '≥ 1× mp.Lock' } },
    { id: 'lock-shm-uncontended', title: 'Lock uncontended (raw shared-memory word)', unit: 'ops/s', better: 'higher', proclab: 'lab.shm-lock-uncontended', reference: 'py.lock-uncontended', referenceName: 'Python mp.Lock (semaphore)', target: { kind: 'min-ratio', value: 1, text: '≥ 1× mp.Lock' } },
    { id: 'lock-shm', title: `Lock, ${LOCK_WORKERS} processes contending (raw shared-memory word)`, unit: 'ops/s', better: 'higher', proclab: 'lab.shm-lock', reference: 'py.lock-shm-size', referenceName: 'Python mp.Lock (semaphore)', target: { kind: 'min-ratio', value: 0.5, text: '≥ 0.5× mp.Lock' } },
    { id: 'value-lock', title: `Value += 1 under its lock, ${LOCK_WORKERS} processes`, unit: 'ops/s', better: 'higher', proclab: 'lab.value-lock', reference: 'py.value-lock', referenceName: 'Python Value + get_lock()', target: atLeastPython },
    { id: 'start-bare-fork', title: 'Process start+join, no-op', unit: 'ms/proc', better: 'lower', proclab: 'lab.start', reference: 'node.bare-fork', referenceName: 'Node bare fork()', target: { kind: 'max-ratio', value: 1.1, text: '≤ 1.1× bare fork' } },
    { id: 'start-python-spawn', title: 'Process start+join, no-op', unit: 'ms/proc', better: 'lower', proclab: 'lab.start', reference: 'py.start-spawn', referenceName: 'Python spawn' },
    { id: 'start-python-fork', title: 'Process start+join, no-op', unit: 'ms/proc', better: 'lower', proclab: 'lab.start', reference: 'py.start-fork', referenceName: 'Python fork' },
    { id: 'start-warm', title: "Process start+join, no-op, setStartMethod('warm')", unit: 'ms/proc', better: 'lower', proclab: 'lab.start-warm', reference: 'py.start-fork', referenceName: 'Python fork', target: { kind: 'max-ratio', value: 2, text: '≤ 2× Python fork' } },
    { id: 'start-warm-paused', title: `Process start+join, no-op, 'warm', ${WARM_PAUSE_MS} ms between starts`, unit: 'ms/proc', better: 'lower', proclab: 'lab.start-warm-paused', reference: 'py.start-fork', referenceName: 'Python fork', target: { kind: 'max-ratio', value: 2, text: '≤ 2× Python fork' } },
    { id: 'start-many', title: `${sizes.startMany} processes at once, joined`, unit: 's', better: 'lower', proclab: 'lab.start-many', reference: 'py.start-many', referenceName: 'Python spawn' },
    { id: 'pool-map', title: `Pool.map, ${POOL_WORKERS} workers, ${k(sizes.poolMapItems)} small tasks, default chunks`, unit: 'tasks/s', better: 'higher', proclab: 'lab.pool-map', reference: 'py.pool-map', referenceName: 'Python Pool.map' },
    { id: 'pool-map-chunk1', title: `Pool.map, ${POOL_WORKERS} workers, ${k(sizes.poolMapChunk1Items)} small tasks, chunkSize 1`, unit: 'tasks/s', better: 'higher', proclab: 'lab.pool-map-chunk1', reference: 'py.pool-map-chunk1', referenceName: 'Python Pool.map' },
    { id: 'telemetry', title: `Telemetry on vs off, Queue ${k(sizes.telemetryItems)}`, unit: 'msgs/s', better: 'higher', proclab: 'lab.telemetry-on', reference: 'lab.telemetry-off', referenceName: 'ProcLab, telemetry off', kind: 'cost', target: { kind: 'max-cost', value: 0.15, text: 'cost ≤ 15 %' } },
  ]
}

export function scriptPath(root: string, measurement: Measurement): string {
  if (measurement.side === 'lab') return join(root, 'bench', 'lab', measurement.script)
  if (measurement.side === 'node') return join(root, 'bench', 'node', measurement.script)
  return join(root, 'bench', 'python', 'mp_bench.py')
}
