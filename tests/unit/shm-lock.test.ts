// The shared-memory lock word (src-main/lab/shm) between real OS processes: mutual exclusion, a
// holder killed while holding, sleeping without CPU, the owner check. Each process's holder id is
// its pid, as the broker's sweep will use it.
import { spawn } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import { SharedLock, SharedLockError, SharedSegment, WAITERS_BIT } from '../../src-main/lab/shm'
import { sharedMemory, sharedMemoryFor } from '../../src-main/platform/shared-memory'
import { needs, notUnderWine } from '../helpers/platform'
import { cpuMs, cpuTimeReadable, startWorker, until, type Worker } from '../helpers/shm-workers'

const LOCK = 4
const waitKind = sharedMemory()?.waitKind
const readsCpu = cpuTimeReadable
  ? notUnderWine("Wine 8's GetProcessTimes gives every process the same CPU time (probed: a spinner, a sleeper and the test all read 1570 ms, then 1580 ms 3 s later)")
  : needs(false, "a process's CPU time from the OS (platform.processes.usage)")
/** Windows has no kernel wait on an address that other processes can wake: it polls (the backoff test covers it). */
const sleepsInKernel = readsCpu.skip ? readsCpu : needs(waitKind === 'futex' || waitKind === 'ulock', 'a kernel wait on a word shared between processes (futex, ulock); this OS polls with backoff')
const COUNTER = 5

const segments: SharedSegment[] = []
const workers: Worker[] = []
afterEach(() => {
  for (const worker of workers.splice(0)) worker.child.kill('SIGKILL')
  for (const segment of segments.splice(0)) {
    segment.unlink()
    segment.close()
  }
})

function newSegment(): SharedSegment {
  const segment = SharedSegment.create(64)
  segments.push(segment)
  return segment
}

function worker(segment: SharedSegment, job: Record<string, unknown>): Worker {
  const started = startWorker({ name: segment.name, size: segment.size, lock: LOCK, ...job })
  workers.push(started)
  return started
}

async function countTogether(n: number, jobs: Array<{ backoff?: boolean; async?: boolean }>): Promise<void> {
  const segment = newSegment()
  const counting = jobs.map((job) => worker(segment, { mode: 'count', counter: COUNTER, n, ...job }))
  const [ready, go] = [COUNTER + 1, COUNTER + 2]
  await until(() => Atomics.load(segment.words, ready) === 4)
  Atomics.store(segment.words, go, 1)
  segment.wake(go, Infinity)
  const ends = await Promise.all(counting.map((w) => w.exited))
  for (const end of ends) expect(end, end.stderr).toMatchObject({ code: 0 })
  expect(segment.words[COUNTER]).toBe(jobs.length * n)
  expect(new SharedLock(segment, LOCK).holder()).toBe(0)
}

describe('a lock word in shared memory, across processes', () => {
  it('4 processes each adding 1 under the lock 20,000 times count exactly 80,000', async () => {
    await countTogether(20_000, [{}, {}, {}, {}])
  })

  it('2 processes waiting asynchronously and 2 blocking count exactly 40,000 together', async () => {
    await countTogether(10_000, [{ async: true }, { async: true }, {}, {}])
  })

  it('the same with the backoff waiter (what Windows uses): exact', async () => {
    await countTogether(5_000, [{ backoff: true }, { backoff: true }, { backoff: true }, { backoff: true }])
  })

  it('a holder killed with SIGKILL keeps the lock until the sweep frees it, and then a blocked waiter goes on', async () => {
    const segment = newSegment()
    const lock = new SharedLock(segment, LOCK)
    const holder = worker(segment, { mode: 'hold' })
    await holder.line('holding')
    expect(lock.holder()).toBe(holder.pid)
    const waiter = worker(segment, { mode: 'wait' })
    await waiter.line('waiting')
    // The waiter has set the waiters bit: it is past its spin and going to sleep on the word.
    await until(() => lock.hasSleepers())
    holder.child.kill('SIGKILL')
    expect((await holder.exited).signal).toBe('SIGKILL')
    // Nobody frees a dead holder's lock but the sweep.
    expect(lock.holder()).toBe(holder.pid)
    expect(lock.sweepDeadHolder(waiter.pid)).toBe(false)
    expect(lock.holder()).toBe(holder.pid)
    expect(lock.sweepDeadHolder(holder.pid)).toBe(true)
    await waiter.line('acquired')
    expect(await waiter.exited).toMatchObject({ code: 0 })
    expect(lock.holder()).toBe(0)
    expect(lock.sweepDeadHolder(holder.pid)).toBe(false)
  })

  it.for([
    ['blocking', false],
    ['asynchronous', true],
  ] as const)('a waiter asleep (%s) on a held lock uses no CPU: under 2 % of what a spinning process uses meanwhile', sleepsInKernel, async ([, async]) => {
    const segment = newSegment()
    const lock = new SharedLock(segment, LOCK)
    expect(lock.acquire(process.pid)).toBe(true)
    const waiter = worker(segment, { mode: 'wait', async })
    expect(await waiter.line('waiting')).toBe(`waiting ${waitKind}`)
    await until(() => lock.hasSleepers())
    const spinner = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' })
    try {
      // Measured against CPU the spinner got, not wall time, so a busy machine slows both alike.
      const spinnerStart = cpuMs(spinner.pid!)
      await until(() => cpuMs(spinner.pid!) - spinnerStart >= 200) // the waiter's start-up settles meanwhile
      const waiterBefore = cpuMs(waiter.pid)
      const spinnerBefore = cpuMs(spinner.pid!)
      await until(() => cpuMs(spinner.pid!) - spinnerBefore >= 1000)
      const waiterUsed = cpuMs(waiter.pid) - waiterBefore
      const spinnerUsed = cpuMs(spinner.pid!) - spinnerBefore
      expect(waiterUsed / spinnerUsed).toBeLessThanOrEqual(0.02)
      expect(lock.holder()).toBe(process.pid)
    } finally {
      spinner.kill('SIGKILL')
    }
    lock.release(process.pid)
    await waiter.line('acquired')
    expect(await waiter.exited).toMatchObject({ code: 0 })
  })

  it('a waiter polling with backoff uses under 10 % of a spinning process\'s CPU', readsCpu, async () => {
    const segment = newSegment()
    const lock = new SharedLock(segment, LOCK)
    expect(lock.acquire(process.pid)).toBe(true)
    const waiter = worker(segment, { mode: 'wait', backoff: true })
    expect(await waiter.line('waiting')).toBe('waiting backoff')
    await until(() => lock.hasSleepers())
    const spinner = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' })
    try {
      const spinnerStart = cpuMs(spinner.pid!)
      await until(() => cpuMs(spinner.pid!) - spinnerStart >= 200)
      const waiterBefore = cpuMs(waiter.pid)
      const spinnerBefore = cpuMs(spinner.pid!)
      await until(() => cpuMs(spinner.pid!) - spinnerBefore >= 1000)
      expect((cpuMs(waiter.pid) - waiterBefore) / (cpuMs(spinner.pid!) - spinnerBefore)).toBeLessThanOrEqual(0.1)
    } finally {
      spinner.kill('SIGKILL')
    }
    lock.release(process.pid)
    await waiter.line('acquired')
    expect(await waiter.exited).toMatchObject({ code: 0 })
  })

  it('a waiter in acquireAsync keeps its event loop running, and takes the lock when it is released', async () => {
    const segment = newSegment()
    const lock = new SharedLock(segment, LOCK)
    expect(lock.acquire(process.pid)).toBe(true)
    const waiter = worker(segment, { mode: 'wait-ticking' })
    await waiter.line('waiting')
    await until(() => lock.hasSleepers())
    // Its timer fires while it waits: five ticks after it went to sleep on the word.
    await waiter.line('tick 5')
    expect(lock.holder()).toBe(process.pid)
    lock.release(process.pid)
    await waiter.line('acquired')
    expect(await waiter.exited).toMatchObject({ code: 0 })
  })

  it('a process that does not hold the lock cannot release it', async () => {
    const segment = newSegment()
    const lock = new SharedLock(segment, LOCK)
    expect(lock.acquire(process.pid)).toBe(true)
    const other = worker(segment, { mode: 'release' })
    expect(await other.line('')).toBe(`threw SharedLockError: release by ${other.pid} of a lock that ${process.pid} holds`)
    expect(lock.holder()).toBe(process.pid)
    lock.release(process.pid)
    expect(() => lock.release(process.pid)).toThrow(SharedLockError)
  })
})

describe('a lock word in shared memory, in one process', () => {
  it('the word holds the holder id, and the waiters bit only once someone waited', () => {
    const segment = newSegment()
    const lock = new SharedLock(segment, LOCK)
    expect(lock.tryAcquire(7)).toBe(true)
    expect(segment.words[LOCK]).toBe(7)
    expect(lock.tryAcquire(8)).toBe(false)
    // A timed acquire that gives up leaves the waiters bit set: the next release wakes, harmlessly.
    expect(lock.acquire(8, 1)).toBe(false)
    expect(segment.words[LOCK]).toBe(7 | WAITERS_BIT)
    expect(lock.holder()).toBe(7)
    lock.release(7)
    expect(segment.words[LOCK]).toBe(0)
  })

  it('timeout 0 is one try; a held lock times out with false', () => {
    const segment = newSegment()
    const lock = new SharedLock(segment, LOCK)
    expect(lock.acquire(1, 0)).toBe(true)
    expect(lock.acquire(2, 0)).toBe(false)
    expect(lock.acquire(2, 20)).toBe(false)
    expect(lock.acquire(1, 0)).toBe(false) // not reentrant, as Python's Lock
    lock.release(1)
    expect(lock.acquire(2, 20)).toBe(true)
  })

  it('acquireAsync: a release elsewhere in this process wakes it; a held lock times out with false', async () => {
    const segment = newSegment()
    const lock = new SharedLock(segment, LOCK)
    expect(await lock.acquireAsync(1)).toBe(true)
    expect(await lock.acquireAsync(2, 0)).toBe(false)
    expect(await lock.acquireAsync(2, 20)).toBe(false)
    const waiting = lock.acquireAsync(2)
    await until(() => lock.hasSleepers())
    lock.release(1)
    expect(await waiting).toBe(true)
    expect(lock.holder()).toBe(2)
    lock.release(2)
  })

  it('release of a free lock or by another id throws; bad ids are a TypeError', () => {
    const segment = newSegment()
    const lock = new SharedLock(segment, LOCK)
    expect(() => lock.release(3)).toThrow(/not held/)
    lock.acquire(3)
    expect(() => lock.release(4)).toThrow(/release by 4 of a lock that 3 holds/)
    for (const bad of [0, -1, 1.5, 2 ** 31]) expect(() => lock.acquire(bad)).toThrow(TypeError)
    lock.release(3)
  })

  it('sweeping an id that does not hold it changes nothing', () => {
    const segment = newSegment()
    const lock = new SharedLock(segment, LOCK)
    lock.acquire(5)
    expect(lock.sweepDeadHolder(6)).toBe(false)
    expect(lock.holder()).toBe(5)
    expect(lock.sweepDeadHolder(5)).toBe(true)
    expect(lock.locked()).toBe(false)
  })

  it('the backoff waiter is what a platform without a wait primitive gets', () => {
    expect(sharedMemoryFor('linux', 'no-futex-here')?.waitKind).toBe('backoff')
    expect(sharedMemoryFor('aix', 'x64')).toBeNull()
  })
})
