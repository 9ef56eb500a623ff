// How far a busy process gets, counted in the ticks it prints: the pause tests' way to see a
// process stand still on every OS. CPU time cannot do it everywhere: under Wine 8 GetProcessTimes
// gives every process the same slowly growing figure (a spinner and a suspended process both
// read it; CI of 469f133 failed on one 10 ms step of it), while a tick a process prints is
// progress it made.
import { spawn } from 'node:child_process'
import { waitUntil } from './lab'

/** Iterations of a busy loop per tick: a few ms of CPU here, so a window of ticks is short. */
export const TICK_EVERY = 2e6

/**
 * A statement for a busy loop that prints `.` every TICK_EVERY iterations. It needs `let ticker = 0`
 * and node:fs's `writeSync` in scope: a synchronous write, because a loop that never yields never
 * flushes an asynchronous one.
 */
export const TICK_STATEMENT = `if (++ticker % ${TICK_EVERY} === 0) writeSync(1, '.\\n')`

/**
 * How far `progress` (in ticks) got while a ticking process beside it made `window` ticks, as a
 * share: about 1 for a process that runs, 0 for one that stands still. The first `settle` ticks
 * of the one beside it are not counted: suspending is asynchronous (a thread stops at its next
 * chance; under Wine 8 a process ran on for up to ~100 ms), and counting in ticks rather than
 * wall time lets a busy machine slow both alike.
 */
export async function progressBesideTicker(progress: () => number, options: { settle?: number; window?: number; limitMs?: number } = {}): Promise<number> {
  const { settle = 20, window = 40, limitMs = 120_000 } = options
  const beside = spawn(process.execPath, ['-e', `const { writeSync } = require('node:fs'); let ticker = 0; for (;;) { ${TICK_STATEMENT} }`], { stdio: ['ignore', 'pipe', 'ignore'] })
  let ticks = 0
  beside.stdout.on('data', (chunk: Buffer) => (ticks += countTicks(chunk.toString())))
  try {
    await waitUntil(() => ticks >= settle, limitMs, `${settle} ticks of the process beside`)
    const [from, besideFrom] = [progress(), ticks]
    await waitUntil(() => ticks >= besideFrom + window, limitMs, `${window} more ticks of the process beside`)
    return (progress() - from) / (ticks - besideFrom)
  } finally {
    beside.kill('SIGKILL')
  }
}

export function countTicks(text: string): number {
  let n = 0
  for (const c of text) if (c === '.') n++
  return n
}
