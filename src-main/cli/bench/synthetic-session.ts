// A deterministic, realistic session for benchmarks and tests: a lab main, workers that contend
// for a lock, fill and drain a queue, talk over a pipe and print (Chinese included), then exit.
import type { LabEvent } from '../../../src-shared/events'
import { createRecorder, type AnyEvent, type RecorderOptions } from '../../session'
import { platform } from '../../platform'

export interface SyntheticOptions {
  workers?: number
  /** Microseconds between consecutive events. */
  stepUs?: number
  runId?: string
}

/** Exactly `count` events (count ≥ 2 + 2 × workers), seq 1..count, t increasing. */
export function* syntheticEvents(count: number, options: SyntheticOptions = {}): Generator<AnyEvent> {
  const workers = options.workers ?? 4
  const step = options.stepUs ?? 5
  const runId = options.runId ?? 'run-1'
  let seq = 0
  let t = 0
  const next = () => {
    seq++
    t += step
  }
  const main = { lid: 'L0', pid: 40000 }
  const procs = Array.from({ length: workers }, (_, i) => ({ lid: `L${i + 1}`, pid: 40001 + i, name: `任务${i + 1}` }))
  next()
  yield { seq, t, runId, kind: 'process.start', lid: main.lid, pid: main.pid, ppid: 1, name: 'MainProcess', daemon: false, parentLid: null, target: 'main' }
  for (const p of procs) {
    next()
    yield { seq, t, runId, kind: 'process.start', lid: p.lid, pid: p.pid, ppid: main.pid, name: p.name, daemon: false, parentLid: main.lid, target: 'task' }
  }
  // One cycle: a worker takes the lock, prints, puts an item and pipes to the main, which reads both.
  // Object literals, not spreads: generating must cost far less than what is measured with it.
  let depth = 0
  const cycle: Array<(p: (typeof procs)[number], n: number) => AnyEvent> = [
    (p) => ({ seq, t, runId, kind: 'lock.request', lid: p.lid, pid: p.pid, object: 'lock' }),
    (p) => ({ seq, t, runId, kind: 'lock.acquire', lid: p.lid, pid: p.pid, object: 'lock', waitedUs: step }),
    (p, n) => ({ seq, t, runId, kind: 'stdout', lid: p.lid, pid: p.pid, line: `${p.name}: 小黑 says "hi", step ${n}` }),
    (p) => ({ seq, t, runId, kind: 'lock.release', lid: p.lid, pid: p.pid, object: 'lock', heldUs: 2 * step }),
    (p) => ({ seq, t, runId, kind: 'queue.put', lid: p.lid, pid: p.pid, object: 'q', depth: ++depth }),
    (p) => ({ seq, t, runId, kind: 'pipe.send', lid: p.lid, pid: p.pid, object: 'pipe', bytes: 64 }),
    () => ({ seq, t, runId, kind: 'pipe.recv', lid: main.lid, pid: main.pid, object: 'pipe', bytes: 64 }),
    () => ({ seq, t, runId, kind: 'queue.get', lid: main.lid, pid: main.pid, object: 'q', depth: --depth }),
    (p) => ({ seq, t, runId, kind: 'stderr', lid: p.lid, pid: p.pid, line: 'warn,with "quotes"\nand a newline' }),
    (_p, n) => ({ seq, t, runId, kind: 'stdout', lid: main.lid, pid: main.pid, line: `got ${n}` }),
  ]
  const body = count - 2 - 2 * workers
  for (let i = 0; i < body; i++) {
    const n = Math.floor(i / cycle.length)
    next()
    yield cycle[i % cycle.length]!(procs[n % workers]!, n)
  }
  for (const p of procs) {
    next()
    yield { seq, t, runId, kind: 'process.exit', lid: p.lid, pid: p.pid, exitCode: 0, signal: null }
  }
  next()
  yield { seq, t, runId, kind: 'process.exit', lid: main.lid, pid: main.pid, exitCode: 0, signal: null }
}

/** Writes a synthetic session through the real recorder. */
export async function writeSyntheticSession(
  file: string,
  count: number,
  options: SyntheticOptions & { startedAtWall?: number; recorder?: RecorderOptions } = {},
): Promise<void> {
  const recorder = await createRecorder(
    file,
    { version: 'synthetic', platform: platform.name, startedAtWall: options.startedAtWall ?? Date.UTC(2025, 0, 1), hostPid: 39999 },
    options.recorder,
  )
  let n = 0
  for (const event of syntheticEvents(count, options)) {
    recorder.append(event as LabEvent)
    // Yield now and then so the recorder's writes proceed while we generate.
    if (++n % 50_000 === 0) await new Promise((resolve) => setImmediate(resolve))
  }
  await recorder.close()
}
