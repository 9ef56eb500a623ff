// Named shared memory segments (src-main/lab/shm/segment.ts over src-main/platform/shared-memory):
// private to the user, opened by name elsewhere, gone after unlink.
import { existsSync, statSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { HEADER_WORDS, SharedMemoryError, SharedSegment } from '../../src-main/lab/shm'
import { linuxOnly, notOnWindows } from '../helpers/platform'

function withSegment<T>(use: (segment: SharedSegment) => T): T {
  const segment = SharedSegment.create(100)
  try {
    return use(segment)
  } finally {
    segment.unlink()
    segment.close()
  }
}

describe('a shared memory segment', () => {
  it('is created zero-filled after its header, in whole pages, under a fresh random name', () => {
    const a = SharedSegment.create(100)
    const b = SharedSegment.create(5000)
    try {
      expect(a.name).toMatch(/^proclab-[a-z0-9]{16}$/)
      expect(b.name).not.toBe(a.name)
      expect(a.size).toBe(4096)
      expect(b.size).toBe(8192)
      expect(a.words.length).toBe(1024)
      expect([...a.words.subarray(HEADER_WORDS)].every((word) => word === 0)).toBe(true)
    } finally {
      for (const segment of [a, b]) {
        segment.unlink()
        segment.close()
      }
    }
  })

  it('another process opens it by name and sees and changes the same memory', () => {
    withSegment((segment) => {
      Atomics.store(segment.words, HEADER_WORDS, 41)
      const source = `
        import { SharedSegment, HEADER_WORDS } from ${JSON.stringify(pathToFileURL(join(process.cwd(), 'src-main', 'lab', 'shm', 'index.ts')).href)}
        const segment = SharedSegment.open(${JSON.stringify(segment.address)})
        const before = Atomics.add(segment.words, HEADER_WORDS, 1)
        Atomics.compareExchange(segment.words, HEADER_WORDS + 1, 0, 7)
        console.log(before)`
      const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], { encoding: 'utf8' })
      expect(child.stderr).toBe('')
      expect(child.stdout.trim()).toBe('41')
      expect(segment.words[HEADER_WORDS]).toBe(42)
      expect(segment.words[HEADER_WORDS + 1]).toBe(7)
    })
  })

  it('is readable and writable by its user only (0600)', linuxOnly('POSIX segments show as files in /dev/shm only on Linux'), () => {
    withSegment((segment) => {
      expect(segment.path).toBe(`/dev/shm/${segment.name}`)
      expect(statSync(segment.path!).mode & 0o777).toBe(0o600)
    })
  })

  it('is gone after unlink: its file in /dev/shm, and opening it by name', linuxOnly('POSIX segments show as files in /dev/shm only on Linux'), () => {
    const segment = SharedSegment.create(100)
    const path = segment.path!
    expect(existsSync(path)).toBe(true)
    segment.unlink()
    expect(existsSync(path)).toBe(false)
    expect(() => SharedSegment.open(segment.address)).toThrow(expect.objectContaining({ code: 'ENOENT' }))
    // The creator's own mapping stays valid until it closes it.
    Atomics.store(segment.words, HEADER_WORDS, 5)
    expect(segment.words[HEADER_WORDS]).toBe(5)
    segment.close()
  })

  it('cannot be opened after unlink', notOnWindows('a Windows mapping has no name apart from its open handles: it goes when the last one closes'), () => {
    const segment = SharedSegment.create(100)
    segment.unlink()
    expect(() => SharedSegment.open(segment.address)).toThrow(expect.objectContaining({ code: 'ENOENT' }))
    segment.close()
  })

  it('refuses an address that is not a ProcLab segment of that size', () => {
    withSegment((segment) => {
      expect(() => SharedSegment.open({ name: segment.name, size: 8192 })).toThrow(SharedMemoryError)
      expect(() => SharedSegment.open({ name: 'etc-passwd', size: 4096 })).toThrow(expect.objectContaining({ code: 'EINVAL' }))
      expect(() => SharedSegment.open({ name: 'proclab-../x', size: 4096 })).toThrow(expect.objectContaining({ code: 'EINVAL' }))
      expect(() => SharedSegment.open({ name: segment.name, size: 100 })).toThrow(expect.objectContaining({ code: 'EINVAL' }))
    })
  })

  it('says so when the size is not the one in its header', notOnWindows('MapViewOfFile itself refuses a view larger than the mapping (ERROR_ACCESS_DENIED) before the header can be read'), () => {
    withSegment((segment) => {
      expect(() => SharedSegment.open({ name: segment.name, size: 8192 })).toThrow(/not a ProcLab segment of 8192 bytes/)
    })
  })
})

describe('an asynchronous wait on a word', () => {
  // A wait queued behind libuv's busy pool threads must still sleep for its own timeout after a
  // garbage collection, and the freed memory refilled with another timeout: koffi passes the pool
  // thread a bare pointer to the timeout, so the futex waiter must hold it (seen in CI as a
  // Queue.get with a 200 ms timeout that never came back, 1 run in ~50).
  it('sleeps for its own timeout when it waited in the pool queue through a garbage collection', linuxOnly('the futex waiter passes its timeout by pointer; the others by value or not at all'), async () => {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    const poolThreads = Number(process.env.UV_THREADPOOL_SIZE) || 4
    const segment = SharedSegment.create(100)
    const [word, busyWord] = [HEADER_WORDS, HEADER_WORDS + 1]
    try {
      const started = performance.now()
      const busy = Array.from({ length: poolThreads }, () => segment.waitAsync(busyWord, 0, 300))
      const ended = segment.waitAsync(word, 0, 400).then(() => performance.now() - started)
      const lure: Buffer[] = []
      for (let round = 0; round < 5; round++) {
        gc()
        // 16-byte buffers holding a timespec of 11 days, where the freed one may be reused.
        for (let i = 0; i < 20_000; i++) {
          const buffer = Buffer.alloc(16)
          buffer.writeBigInt64LE(1_000_000n, 0)
          lure.push(buffer)
        }
      }
      const took = await Promise.race([ended, new Promise<'asleep'>((resolve) => setTimeout(() => resolve('asleep'), 10_000))])
      await Promise.all(busy)
      // The kernel's lower bound: 300 ms in the queue, then its own 400 ms (a freed timeout read as
      // garbage came back at ~300 ms with EINVAL, or slept for good).
      expect(took).not.toBe('asleep')
      expect(took).toBeGreaterThanOrEqual(690)
    } finally {
      segment.wake(word, Infinity)
      segment.unlink()
      segment.close()
    }
  })
})
