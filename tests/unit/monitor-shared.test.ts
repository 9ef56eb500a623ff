import { describe, expect, it } from 'vitest'
import type { SystemProcess } from '../../src-shared/contract'
import { buildRows, createMonitor, cpuPercent, processTreeOrder, type ProcessSampler, type RawProcess } from '../../src-main/monitor'
import { DARWIN_SI_SHAPE } from '../../src-main/platform/darwin'
import { fromSystemInformation, parseStarted } from '../../src-main/platform/si/sampler'
import { WINDOWS_SI_SHAPE } from '../../src-main/platform/win32'

function raw(pid: number, fields: Partial<RawProcess> = {}): RawProcess {
  return {
    pid,
    ppid: 1,
    name: `p${pid}`,
    command: `p${pid}`,
    user: 'root',
    state: 'sleeping',
    cpuTimeMs: 0,
    cpuPercentHint: null,
    rss: 0,
    startedAt: 1_000,
    threads: 1,
    nice: 0,
    ...fields,
  }
}

describe('cpuPercent (100 = one core)', () => {
  it('is the CPU time gained over the wall time between samples', () => {
    expect(cpuPercent(raw(5, { cpuTimeMs: 1000 }), raw(5, { cpuTimeMs: 1500 }), 1000, 2)).toBe(50)
    expect(cpuPercent(raw(5, { cpuTimeMs: 0 }), raw(5, { cpuTimeMs: 1990 }), 1000, 2)).toBe(199)
  })

  it('never exceeds the cores, never goes negative', () => {
    expect(cpuPercent(raw(5, { cpuTimeMs: 0 }), raw(5, { cpuTimeMs: 5000 }), 1000, 2)).toBe(200)
    expect(cpuPercent(raw(5, { cpuTimeMs: 900 }), raw(5, { cpuTimeMs: 800 }), 1000, 2)).toBe(0)
  })

  it('counts all the CPU time of a process that appeared during the interval', () => {
    expect(cpuPercent(undefined, raw(5, { cpuTimeMs: 300 }), 1000, 4)).toBe(30)
  })

  it('treats a reused pid (other start time) as a new process', () => {
    const old = raw(5, { cpuTimeMs: 10_000, startedAt: 1_000 })
    const reused = raw(5, { cpuTimeMs: 200, startedAt: 90_000 })
    expect(cpuPercent(old, reused, 1000, 2)).toBe(20)
  })

  it("falls back to the platform's own figure when it has no CPU times", () => {
    expect(cpuPercent(undefined, raw(5, { cpuTimeMs: null, cpuPercentHint: 42.26 }), 1000, 2)).toBe(42.3)
    expect(cpuPercent(undefined, raw(5, { cpuTimeMs: null }), 1000, 2)).toBe(0)
  })

  it('is 0 for an empty interval', () => {
    expect(cpuPercent(raw(5), raw(5, { cpuTimeMs: 10 }), 0, 2)).toBe(0)
  })
})

describe('buildRows', () => {
  it('is 0 % on the first sample and marks lab pids', () => {
    const rows = buildRows(null, { at: 0, processes: [raw(5, { cpuTimeMs: 9999 }), raw(6)] }, new Set([6]), 2)
    expect(rows.map((r) => [r.pid, r.cpu, r.lab])).toEqual([
      [5, 0, false],
      [6, 0, true],
    ])
  })

  it('computes CPU % against the previous sample and carries the fields over', () => {
    const previous = { at: 1000, processes: [raw(5, { cpuTimeMs: 100 })] }
    const current = { at: 1500, processes: [raw(5, { cpuTimeMs: 350, rss: 4096, user: 'alice', state: 'running', threads: 3, nice: -5 })] }
    expect(buildRows(previous, current, new Set(), 2, 16384)).toEqual<SystemProcess[]>([
      { pid: 5, ppid: 1, name: 'p5', command: 'p5', user: 'alice', state: 'running', cpu: 50, rss: 4096, startedAt: 1000, lab: false, threads: 3, nice: -5, memPercent: 25, signalRefused: null },
    ])
  })

  it('gives memPercent 0 rather than Infinity when RAM is unknown', () => {
    expect(buildRows(null, { at: 0, processes: [raw(5, { rss: 4096 })] }, new Set(), 2, 0)[0]!.memPercent).toBe(0)
  })
})

describe('processTreeOrder', () => {
  const row = (pid: number, ppid: number) => ({ pid, ppid })
  const shape = (rows: Array<{ pid: number; ppid: number }>) =>
    processTreeOrder(rows).map(({ process, depth }) => `${'.'.repeat(depth)}${process.pid}`)

  it('nests by ppid, sorted by pid', () => {
    expect(shape([row(30, 1), row(1, 0), row(20, 1), row(21, 20), row(2, 0), row(3, 2)])).toEqual(['1', '.20', '..21', '.30', '2', '.3'])
  })

  it('makes a row with an unknown parent a root and never shows pid 0', () => {
    expect(shape([row(0, 0), row(1, 0), row(50, 4000), row(51, 50)])).toEqual(['1', '50', '.51'])
  })

  it('survives a self-parent and a parent loop (reused pids on Windows)', () => {
    expect(shape([row(7, 7), row(10, 11), row(11, 12), row(12, 10), row(13, 12)])).toEqual(['7', '10', '.12', '..11', '..13'])
  })

  it('handles a 50,000-deep chain without overflowing the stack', () => {
    const rows = Array.from({ length: 50_000 }, (_, i) => row(i + 1, i))
    const flat = processTreeOrder(rows)
    expect(flat.length).toBe(50_000)
    expect(flat.at(-1)).toEqual({ process: row(50_000, 49_999), depth: 49_999 })
  })

  it('keeps the first of two rows with the same pid', () => {
    const rows = processTreeOrder([
      { pid: 5, ppid: 0, tag: 'a' },
      { pid: 5, ppid: 0, tag: 'b' },
    ])
    expect(rows.map((r) => r.process.tag)).toEqual(['a'])
  })
})

describe('systeminformation mapping', () => {
  const base = { pid: 9, parentPid: 1, name: 'Safari', cpu: 12.5, memRss: 2048, started: '2024-05-06 07:08:09', state: 'sleeping', user: 'me', command: 'Safari', params: '--x', path: '/Applications/Safari.app/Contents/MacOS' }

  it('on macOS keeps ps %CPU (already per core) and joins path, command and params', () => {
    expect(fromSystemInformation(base, DARWIN_SI_SHAPE, 8)).toEqual({
      pid: 9,
      ppid: 1,
      name: 'Safari',
      command: '/Applications/Safari.app/Contents/MacOS/Safari --x',
      user: 'me',
      state: 'sleeping',
      cpuTimeMs: null,
      cpuPercentHint: 12.5,
      rss: 2048 * 1024,
      startedAt: new Date(2024, 4, 6, 7, 8, 9).getTime(),
      threads: null,
      nice: null,
    })
  })

  it('on Windows scales the whole-machine share to per core and keeps the command line', () => {
    const win = fromSystemInformation({ ...base, nice: 5, cpu: 25, state: 'blocked', command: 'C:\\x.exe -y', path: 'C:\\', params: '' }, WINDOWS_SI_SHAPE, 4)
    expect(win).toMatchObject({ cpuPercentHint: 100, state: 'disk-wait', command: 'C:\\x.exe -y', nice: null })
  })

  it('parses start times, or gives null', () => {
    expect(parseStarted('/Date(1700000000000)/')).toBe(1_700_000_000_000)
    expect(parseStarted('')).toBeNull()
    expect(parseStarted('garbage')).toBeNull()
  })
})

describe('createMonitor with a given sampler', () => {
  function countingSampler(): ProcessSampler & { calls: number } {
    let cpu = 0
    return {
      kind: 'test',
      calls: 0,
      async sample() {
        this.calls++
        await new Promise((resolve) => setTimeout(resolve, 20))
        cpu += 100
        return [raw(5, { cpuTimeMs: cpu }), raw(6)]
      },
    }
  }

  it('shares one sample between callers that ask at the same time, each with its own lab pids', async () => {
    const sampler = countingSampler()
    const monitor = createMonitor({ sampler, cores: 2 })
    const [a, b] = await Promise.all([monitor.list(new Set([5])), monitor.list(new Set([6]))])
    expect(sampler.calls).toBe(1)
    expect(a.map((r) => r.lab)).toEqual([true, false])
    expect(b.map((r) => r.lab)).toEqual([false, true])
  })

  it('measures CPU against the previous sample, keeping an old enough baseline', async () => {
    const sampler = countingSampler()
    const monitor = createMonitor({ sampler, cores: 2, minCpuWindowMs: 0 })
    expect((await monitor.list(new Set()))[0]!.cpu).toBe(0)
    const second = (await monitor.list(new Set()))[0]!.cpu
    // 100 ms of CPU over ~20 ms of wall is more than a core can give: clamped to 2 cores.
    expect(second).toBeGreaterThan(0)
    expect(second).toBeLessThanOrEqual(200)
  })
})
