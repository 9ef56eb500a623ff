// The pool-map scenario: the same 8 CPU-bound tasks on a pool of 1 worker, then of n. Checked here:
// the results are right and in task order, and every one of the n workers took tasks. The speed-up
// itself is a wall-clock figure, which belongs to the bench (pool-map row), not to a unit test.
import { describe, expect, it } from 'vitest'
import { runLab } from '../helpers/lab'

/** The scenario's task, written again here so the test does not trust the script's own answer. */
function primesInStretch(task: number, stretch = 1_000_000): number {
  let count = 0
  for (let n = Math.max(2, task * stretch); n < (task + 1) * stretch; n++) {
    let prime = true
    for (let d = 2; d * d <= n; d++) if (n % d === 0) { prime = false; break }
    if (prime) count++
  }
  return count
}

describe('pool-map scenario', () => {
  it('gives the 8 results in task order from both pools, and uses every worker of the second', async () => {
    const run = await runLab({ scenario: 'pool-map' })
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const main = run.lines('MainProcess')
    const n = Number(/and on (\d+)$/.exec(main[0]!)![1])
    expect(n).toBeGreaterThanOrEqual(2)
    expect(main[1]).toMatch(/^1 worker : \d+\.\d\d s$/)
    expect(main[2]).toMatch(new RegExp(`^${n} workers: \\d+\\.\\d\\d s$`))
    expect(main[3]).toMatch(new RegExp(`^speed-up with ${n} workers: \\d+\\.\\dx`))
    const expected = Array.from({ length: 8 }, (_, task) => primesInStretch(task))
    expect(main[4]).toBe(`results, in the order of the tasks: ${expected.join(', ')}`)
    expect(main[5]).toBe('both pools gave the same results, in the same order')
    // Every worker of the n-worker pool did some of the 8 tasks, and they add up to 8.
    const perWorker = [...main[6]!.matchAll(/(PoolWorker-\d+) (\d+)/g)].map((m) => ({ name: m[1]!, tasks: Number(m[2]) }))
    expect(perWorker).toHaveLength(n)
    expect(perWorker.reduce((sum, w) => sum + w.tasks, 0)).toBe(8)
    // They are real processes, children of the lab main, visible by name in the run's process starts.
    for (const { name } of perWorker) expect(run.start(name).ppid).toBe(run.start('MainProcess').pid)
  })

  it('prints its lines in Chinese when the run asks for it', async () => {
    const run = await runLab({ scenario: 'pool-map', lang: 'zh' })
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    expect(run.lines('MainProcess')[5]).toBe('两个进程池的结果相同，顺序也相同')
  })

  it('pool-chunks: chunkSize 1 sends one message per task, the default 2,000 / (2 workers x 4) = 250 per chunk, 1,000 two chunks; same results', async () => {
    const run = await runLab({ scenario: 'pool-chunks' })
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const main = run.lines('MainProcess')
    expect(main[0]).toBe('2000 tiny tasks on 2 workers, three chunk sizes')
    expect(main[1]).toMatch(/^chunkSize 1: 2000 chunks sent, /)
    expect(main[2]).toMatch(/^default \(250\): 8 chunks sent, /)
    expect(main[3]).toMatch(/^chunkSize 1000: 2 chunks sent, /)
    expect(main[4]).toBe('the results are the same, in the same order, every time')
  })
})
