// Pool (Python's multiprocessing.Pool) over real worker processes: results, chunks, errors,
// replaced workers, terminate/close/join, and misuse.
import { describe, expect, it } from 'vitest'
import { pidAlive, runSource } from '../helpers/lab'
import { onWindows } from '../helpers/platform'
import { results } from '../helpers/results'

const MAIN = 'MainProcess'

function facts(run: Awaited<ReturnType<typeof runSource>>): Record<string, unknown> {
  expect(run.end.ok, `${run.end.error ?? ''}\n${JSON.stringify([...run.output])}`).toBe(true)
  return results(run.lines(MAIN))
}

describe('Pool', () => {
  it('map, starMap, imap, imapUnordered, apply and applyAsync give exact results from real worker processes', async () => {
    const run = await runSource(`
      import { Pool, currentProcess, sleep } from 'proclab'
      export async function square(x) { await sleep((x * 7) % 5); return x * x }
      export function add(a, b) { return a + b }
      export function who() { return { pid: process.pid, name: currentProcess().name } }
      export default async function main() {
        const pool = new Pool(3)
        const items = Array.from({ length: 20 }, (_, i) => i)
        const map = await pool.map(square, items)
        const starMap = await pool.starMap(add, [[1, 2], [3, 4], [5, 6]])
        const imap = []
        for await (const v of pool.imap(square, items)) imap.push(v)
        const unordered = []
        for await (const v of pool.imapUnordered(square, items, 2)) unordered.push(v)
        const apply = await pool.apply(add, [40, 2])
        const handle = pool.applyAsync(add, [1, 1])
        const readyAtOnce = handle.ready()
        const asyncValue = await handle.get()
        const afterGet = { ready: handle.ready(), successful: handle.successful() }
        const whos = await pool.map(who, items, 1)
        const workerPids = pool.pool.map((p) => p.pid)
        pool.close()
        await pool.join()
        console.log('RESULT ' + JSON.stringify({ map, starMap, imap, unordered, apply, readyAtOnce, asyncValue, afterGet, whos, workerPids, mainPid: process.pid }))
      }
    `)
    const r = facts(run)
    const squares = Array.from({ length: 20 }, (_, i) => i * i)
    expect(r.map).toEqual(squares)
    expect(r.starMap).toEqual([3, 7, 11])
    expect(r.imap).toEqual(squares)
    expect(r.unordered as number[]).toHaveLength(20)
    expect([...(r.unordered as number[])].sort((a, b) => a - b)).toEqual(squares)
    expect(r.apply).toBe(42)
    expect(r.readyAtOnce).toBe(false)
    expect(r.asyncValue).toBe(2)
    expect(r.afterGet).toEqual({ ready: true, successful: true })
    // The calls ran in the pool's workers, real children of the lab main, named PoolWorker-N.
    const whos = r.whos as { pid: number; name: string }[]
    const workerPids = r.workerPids as number[]
    expect(workerPids).toHaveLength(3)
    expect(new Set(whos.map((w) => w.pid))).toEqual(new Set(workerPids))
    for (const w of whos) expect(w.name).toMatch(/^PoolWorker-\d+$/)
    for (const pid of workerPids) {
      const start = run.starts.find((s) => s.pid === pid)
      expect(start?.name).toMatch(/^PoolWorker-\d+$/)
      expect(start?.ppid).toBe(r.mainPid)
    }
  })

  it('sends chunkSize calls per message to one worker', async () => {
    const run = await runSource(`
      import { Pool, sleep } from 'proclab'
      export async function where(i) { await sleep(5); return process.pid }
      export default async function main() {
        const pool = new Pool(2)
        const pids = await pool.map(where, Array.from({ length: 10 }, (_, i) => i), 3)
        const sent = pool.stats().chunksSent
        const one = await pool.map(where, [1, 2, 3, 4], 1)
        console.log('RESULT ' + JSON.stringify({ pids, sent, afterOnes: pool.stats().chunksSent }))
        pool.close(); await pool.join()
      }
    `)
    const r = facts(run)
    const pids = r.pids as number[]
    // 10 items in chunks of 3: 4 messages; each chunk's calls ran in one process.
    expect(r.sent).toBe(4)
    expect(r.afterOnes).toBe(8)
    for (let start = 0; start < 10; start += 3) expect(new Set(pids.slice(start, start + 3)).size).toBe(1)
  })

  it("rejects the failing task with the worker's message and stack; the other tasks succeed and the pool stays usable", async () => {
    const run = await runSource(`
      import { Pool } from 'proclab'
      export function risky(x) { if (x === 3) throw new RangeError('three is not allowed'); return x * 10 }
      export default async function main() {
        const pool = new Pool(2)
        let mapError
        try { await pool.map(risky, [1, 2, 3, 4, 5], 1) } catch (e) { mapError = { name: e.name, message: e.message, stack: e.stack, isRange: e instanceof RangeError } }
        const handles = [1, 2, 3, 4].map((x) => pool.applyAsync(risky, [x]))
        const settled = []
        for (const h of handles) settled.push(await h.get().then((v) => ({ v }), (e) => ({ e: e.message })))
        const successful = handles.map((h) => h.successful())
        const after = await pool.map(risky, [6, 7])
        pool.close(); await pool.join()
        console.log('RESULT ' + JSON.stringify({ mapError, settled, successful, after }))
      }
    `)
    const r = facts(run)
    const mapError = r.mapError as { name: string; message: string; stack: string; isRange: boolean }
    expect(mapError.name).toBe('RangeError')
    expect(mapError.isRange).toBe(true)
    expect(mapError.message).toBe('three is not allowed')
    // The worker's stack: the line in the script's function, then which worker ran it.
    expect(mapError.stack).toMatch(/at risky \(.*lab\.mjs:3:/)
    expect(mapError.stack).toMatch(/in pool worker PoolWorker-\d+ \(pid \d+\)/)
    expect(r.settled).toEqual([{ v: 10 }, { v: 20 }, { e: 'three is not allowed' }, { v: 40 }])
    expect(r.successful).toEqual([true, true, false, true])
    expect(r.after).toEqual([60, 70])
  })

  it('replaces a worker after maxTasksPerChild chunks', async () => {
    const run = await runSource(`
      import { Pool } from 'proclab'
      export function pid() { return process.pid }
      export default async function main() {
        const pool = new Pool(1, { maxTasksPerChild: 2 })
        const pids = []
        for (let i = 0; i < 6; i++) pids.push(await pool.apply(pid, []))
        const started = pool.stats().workersStarted
        pool.close(); await pool.join()
        console.log('RESULT ' + JSON.stringify({ pids, started }))
      }
    `)
    const r = facts(run)
    const pids = r.pids as number[]
    expect(pids[0]).toBe(pids[1])
    expect(pids[2]).toBe(pids[3])
    expect(pids[4]).toBe(pids[5])
    expect(new Set(pids).size).toBe(3)
    expect(r.started).toBeGreaterThanOrEqual(3)
  })

  it("rejects a killed worker's task with a clear error, replaces the worker and keeps working", async () => {
    const run = await runSource(`
      import { Pool, sleep } from 'proclab'
      export async function slow() { await sleep(60_000); return 'never' }
      export function pid() { return process.pid }
      export default async function main() {
        const pool = new Pool(1)
        const victim = await pool.apply(pid, [])
        const doomed = pool.applyAsync(slow, [])
        while (pool.stats().running === 0) await sleep(10)
        process.kill(victim, 'SIGKILL')
        const error = await doomed.get().then(() => null, (e) => e.message)
        const next = await pool.apply(pid, [])
        pool.close(); await pool.join()
        console.log('RESULT ' + JSON.stringify({ victim, error, next }))
      }
    `)
    const r = facts(run)
    // Windows has no signals: a killed process there ends with an exit code.
    const how = onWindows ? '(was ended by signal \\d+|exited with code \\d+)' : 'was ended by signal 9'
    expect(r.error).toMatch(new RegExp(`pool worker PoolWorker-1 \\(pid \\d+\\) ${how} while running this task`))
    expect(r.next).not.toBe(r.victim)
    expect(typeof r.next).toBe('number')
  })

  it('terminate ends the workers (the OS says so) and rejects work not done', async () => {
    const run = await runSource(`
      import { Pool, sleep } from 'proclab'
      export async function slow() { await sleep(60_000) }
      export function pid() { return process.pid }
      export default async function main() {
        const pool = new Pool(2)
        await pool.map(pid, [1, 2, 3, 4], 1)
        const pids = pool.pool.map((p) => p.pid)
        const pending = pool.applyAsync(slow, [])
        pool.terminate()
        await pool.join()
        const error = await pending.get().then(() => null, (e) => e.message)
        const alive = pids.map((pid) => { try { process.kill(pid, 0); return true } catch { return false } })
        console.log('RESULT ' + JSON.stringify({ pids, alive, error }))
      }
    `)
    const r = facts(run)
    expect(r.alive).toEqual([false, false])
    for (const pid of r.pids as number[]) expect(pidAlive(pid)).toBe(false)
    expect(r.error).toMatch(/terminated/)
  })

  it('close + join waits for the work already submitted; using the pool after close is a clear error', async () => {
    const run = await runSource(`
      import { Pool, sleep } from 'proclab'
      export async function late(x) { await sleep(200); return x + 1 }
      export function twice(x) { return 2 * x }
      export default async function main() {
        const pool = new Pool(2)
        const handles = [1, 2, 3, 4, 5].map((x) => pool.applyAsync(late, [x]))
        pool.close()
        let misuse
        try { pool.map(late, [1]) } catch (e) { misuse = { name: e.name, message: e.message } }
        await pool.join()
        const readyAfterJoin = handles.map((h) => h.ready())
        const values = await Promise.all(handles.map((h) => h.get()))
        let notExported
        const local = (x) => x
        const open = new Pool(1)
        try { open.map(local, [1]) } catch (e) { notExported = { name: e.name, message: e.message } }
        let joinRunning
        try { await open.join() } catch (e) { joinRunning = e.message }
        await open[Symbol.asyncDispose]()
        console.log('RESULT ' + JSON.stringify({ misuse, readyAfterJoin, values, notExported, joinRunning }))
      }
    `)
    const r = facts(run)
    expect(r.readyAfterJoin).toEqual([true, true, true, true, true])
    expect(r.values).toEqual([2, 3, 4, 5, 6])
    expect(r.misuse).toEqual({ name: 'ProcessError', message: 'Pool.map(): the pool is not running (it was closed)' })
    expect((r.notExported as { name: string }).name).toBe('TypeError')
    expect((r.notExported as { message: string }).message).toMatch(/not exported|no name of its own/)
    expect(r.joinRunning).toMatch(/still running/)
  })

  it('runs the initializer once in each worker, with initargs', async () => {
    const run = await runSource(`
      import { Pool } from 'proclab'
      let greeting = 'unset'
      export function init(word) { greeting = word + ' from ' + process.pid }
      export function read() { return greeting }
      export default async function main() {
        const pool = new Pool(2, { initializer: init, initargs: ['hello'] })
        const seen = await pool.map(read, [1, 2, 3, 4, 5, 6], 1)
        pool.close(); await pool.join()
        console.log('RESULT ' + JSON.stringify({ seen, main: greeting }))
      }
    `)
    const r = facts(run)
    for (const line of r.seen as string[]) expect(line).toMatch(/^hello from \d+$/)
    expect(r.main).toBe('unset')
  })

  // What a pool disposed of right after it was made relies on: its workers die before they connect.
  it('a pipe end held only by a child terminated before it connected reaches EOF', async () => {
    const run = await runSource(`
      import { EOFError, Pipe, Process } from 'proclab'
      export function never(end) {}
      export default async function main() {
        const [mine, theirs] = Pipe()
        const child = new Process({ target: never, args: [theirs] })
        const started = child.start()
        child.terminate()
        await started
        await theirs.close()
        await child.join()
        // Without the fix the broker kept the dead child as a holder: no EOF, recv() would wait forever.
        const ended = await mine.poll(20_000)
        let eof = false
        if (ended) { try { await mine.recv() } catch (e) { eof = e instanceof EOFError } }
        console.log('RESULT ' + JSON.stringify({ exitCode: child.exitCode, ended, eof }))
      }
    `)
    const r = facts(run)
    expect(r.exitCode).toBe(-15)
    expect(r).toMatchObject({ ended: true, eof: true })
  })

  it('await using ends the pool at the end of the block (a TypeScript lab script: tsx compiles the declaration)', async () => {
    const run = await runSource(
      `
      import { Pool } from 'proclab'
      export function square(x: number): number { return x * x }
      export default async function main(): Promise<void> {
        let pids: number[] = []
        let squares: number[] = []
        {
          await using pool = new Pool(2)
          squares = await pool.map(square, [1, 2, 3])
          pids = pool.pool.map((p) => p.pid!)
        }
        const alive = pids.map((pid) => { try { process.kill(pid, 0); return true } catch { return false } })
        console.log('RESULT ' + JSON.stringify({ squares, alive }))
      }
    `,
      {},
      'lab.ts',
    )
    const r = facts(run)
    expect(r.squares).toEqual([1, 4, 9])
    expect(r.alive).toEqual([false, false])
  })

  it('a Pool made at the top level of the script is a clear error, not a pool in every worker', async () => {
    const run = await runSource(`
      import { Pool } from 'proclab'
      export function one() { return 1 }
      export const pool = new Pool(1)
      export default async function main() {}
    `)
    expect(run.end.ok).toBe(false)
    expect(run.lines(MAIN).join('\n')).toMatch(/A Pool was started while .*lab\.mjs was still being imported/)
    expect(run.starts.filter((s) => s.name.startsWith('PoolWorker'))).toEqual([])
  })

  it('an initializer that throws fails the tasks with its error, once, instead of restarting workers forever', async () => {
    const run = await runSource(`
      import { Pool } from 'proclab'
      export function init() { throw new Error('no database') }
      export function one() { return 1 }
      export default async function main() {
        const pool = new Pool(2, { initializer: init })
        const error = await pool.map(one, [1, 2, 3]).then(() => null, (e) => ({ message: e.message, stack: e.stack }))
        const later = await pool.apply(one, []).then(() => null, (e) => e.message)
        pool.close(); await pool.join()
        console.log('RESULT ' + JSON.stringify({ error, later, started: pool.stats().workersStarted }))
      }
    `)
    const r = facts(run)
    expect((r.error as { message: string }).message).toBe('no database')
    expect((r.error as { stack: string }).stack).toMatch(/in the initializer of pool worker PoolWorker-\d+/)
    expect(r.later).toBe('no database')
    expect(r.started).toBe(2)
  })
})
