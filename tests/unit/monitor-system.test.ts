// The System tab's data: machine-wide figures and one process's details, from the real /proc
// (Linux), plus the parsers on fixed text where the real machine cannot give a known answer.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir, totalmem, uptime } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  coreBusyPercent,
  createMonitor,
  LinuxSystemReader,
  memoryFromMeminfo,
  parseCoreTimes,
  parseLoadavg,
  parseMeminfo,
} from '../../src-main/monitor'
import { linuxOnly } from '../helpers/platform'
import { platform } from '../../src-main/platform'

const children: ChildProcess[] = []
const dirs: string[] = []

afterEach(async () => {
  await Promise.all(
    children.splice(0).map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = once(child, 'exit')
      child.kill('SIGKILL')
      await exited
    }),
  )
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'proclab-monitor-'))
  dirs.push(dir)
  return dir
}

/** A Node child that idles until killed, with a known cwd and environment. */
function idleChild(options: { cwd?: string; env?: Record<string, string>; nice?: number } = {}): ChildProcess & { pid: number } {
  const node = [process.execPath, '-e', 'setInterval(() => {}, 1000)']
  const [command, ...args] = options.nice === undefined ? node : ['nice', '-n', String(options.nice), ...node]
  const child = spawn(command!, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: 'ignore' })
  children.push(child)
  if (child.pid === undefined) throw new Error('could not start a child')
  return child as ChildProcess & { pid: number }
}

const STAT = (a: number[], b: number[]) =>
  `cpu  ${a.map((n, i) => n + b[i]!).join(' ')}\ncpu0 ${a.join(' ')}\ncpu1 ${b.join(' ')}\nintr 1 2 3\nctxt 99\nbtime 1700000000\n`

describe('parsers', () => {
  it('reads per-core busy and total ticks, iowait counted as idle and guest not counted twice', () => {
    // user nice system idle iowait irq softirq steal guest guest_nice
    expect(parseCoreTimes(STAT([10, 0, 5, 80, 5, 0, 0, 0, 7, 0], [1, 1, 1, 1, 1, 1, 1, 1, 0, 0]))).toEqual([
      { busy: 15, total: 100 },
      { busy: 6, total: 8 },
    ])
  })

  it('gives % busy per core over the interval, since boot without a previous reading', () => {
    const before = [{ busy: 100, total: 1000 }, { busy: 0, total: 1000 }]
    const now = [{ busy: 175, total: 1100 }, { busy: 0, total: 1100 }]
    expect(coreBusyPercent(before, now)).toEqual([75, 0])
    expect(coreBusyPercent(null, now)).toEqual([15.9, 0])
    // A core with no ticks in between (a tickless idle core, or a reading too soon) falls back to since boot.
    expect(coreBusyPercent(now, now)).toEqual([15.9, 0])
  })

  it('reads meminfo in bytes and estimates available memory on kernels before 3.14', () => {
    const fields = parseMeminfo('MemTotal:        1000 kB\nMemFree:          100 kB\nBuffers:           50 kB\nCached:           250 kB\nSwapTotal:        400 kB\nSwapFree:         300 kB\nHugePages_Total:       0\n')
    expect(fields.get('MemTotal')).toBe(1_024_000)
    expect(fields.get('HugePages_Total')).toBe(0)
    expect(memoryFromMeminfo(fields)).toEqual({
      mem: { total: 1_024_000, used: 614_400, available: 409_600 },
      swap: { total: 409_600, used: 102_400 },
    })
  })

  it('reads the loads and the number of scheduled threads from loadavg', () => {
    expect(parseLoadavg('0.52 1.50 2.00 3/456 7890\n')).toEqual({ load: [0.52, 1.5, 2], threads: 456 })
  })
})

describe('LinuxSystemReader on a fixture procfs', () => {
  it('measures CPU since the previous call, but keeps the older baseline for calls too close together', async () => {
    const root = tempDir()
    writeFileSync(join(root, 'loadavg'), '1.00 0.50 0.25 1/10 100\n')
    writeFileSync(join(root, 'uptime'), '123.45 200.00\n')
    writeFileSync(join(root, 'meminfo'), 'MemTotal: 2000 kB\nMemAvailable: 500 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n')
    for (const pid of ['1', '42']) writeFileSync(join(root, pid), '')
    writeFileSync(join(root, 'stat'), STAT([0, 0, 0, 100, 0, 0, 0, 0, 0, 0], [0, 0, 0, 100, 0, 0, 0, 0, 0, 0]))
    const reader = new LinuxSystemReader(root, 10_000)
    const first = await reader.read()
    expect(first).toEqual({
      cpus: [0, 0],
      load: [1, 0.5, 0.25],
      mem: { total: 2_048_000, used: 1_536_000, available: 512_000 },
      swap: { total: 0, used: 0 },
      processes: 2,
      threads: 10,
      uptimeS: 123,
    })
    writeFileSync(join(root, 'stat'), STAT([50, 0, 0, 150, 0, 0, 0, 0, 0, 0], [0, 0, 10, 190, 0, 0, 0, 0, 0, 0]))
    expect((await reader.read()).cpus).toEqual([50, 10])
    // Within the 10 s window the baseline stays at the first reading, so this is measured from it too.
    writeFileSync(join(root, 'stat'), STAT([100, 0, 0, 200, 0, 0, 0, 0, 0, 0], [0, 0, 10, 290, 0, 0, 0, 0, 0, 0]))
    expect((await reader.read()).cpus).toEqual([50, 5])
  })
})

describe('on this machine', () => {
  it('summarises the machine as the OS does', async () => {
    const monitor = createMonitor()
    await monitor.system()
    await new Promise((resolve) => setTimeout(resolve, 250))
    const summary = await monitor.system()
    expect(summary.cpus).toHaveLength(cpus().length)
    for (const busy of summary.cpus) {
      expect(busy).toBeGreaterThanOrEqual(0)
      expect(busy).toBeLessThanOrEqual(100)
    }
    expect(summary.mem.total).toBe(totalmem())
    expect(summary.mem.used + summary.mem.available).toBe(summary.mem.total)
    expect(summary.swap.used).toBeLessThanOrEqual(summary.swap.total)
    expect(summary.load.every((n) => n >= 0)).toBe(true)
    const rows = await monitor.list(new Set())
    // Processes come and go between the two reads; a few either way on a busy machine.
    expect(Math.abs(summary.processes - rows.length)).toBeLessThan(50)
    expect(summary.threads).toBeGreaterThanOrEqual(rows.length - 50)
    expect(Math.abs(summary.uptimeS - uptime())).toBeLessThanOrEqual(2)
  })

  it('fills threads, nice and memPercent for a real process', linuxOnly('`nice -n` and the thread count; Windows has priority classes, not nice'), async () => {
    const child = idleChild({ nice: 7 })
    const monitor = createMonitor()
    const deadline = Date.now() + 5000
    let row
    // `nice` execs node in place, so the pid is node's once the exec happened (the name says so).
    while (Date.now() < deadline) {
      row = (await monitor.list(new Set())).find((p) => p.pid === child.pid && p.name === 'node')
      if (row && row.threads !== null && row.threads > 2) break
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(row).toMatchObject({ nice: 7, user: platform.userName() })
    // Node runs a main thread plus libuv's pool and V8's workers.
    expect(row!.threads).toBeGreaterThan(2)
    expect(row!.memPercent).toBeCloseTo((row!.rss / totalmem()) * 100, 1)
    expect(row!.memPercent).toBeGreaterThan(0)
  })

  it('gives the cwd, environment, open-file count and children of a process', linuxOnly("another process's cwd, environment and open files come from /proc/<pid>"), async () => {
    const cwd = tempDir()
    const child = idleChild({ cwd, env: { PROCLAB_DETAILS_TEST: 'yes 42' } })
    const monitor = createMonitor()
    const deadline = Date.now() + 5000
    let details = await monitor.details(child.pid)
    // Until node has exec'd, the child is still a copy of us (our cwd, our environment).
    while (Date.now() < deadline && !(details.environment.ok && details.environment.value.includes('PROCLAB_DETAILS_TEST=yes 42'))) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      details = await monitor.details(child.pid)
    }
    expect(details.cwd).toEqual({ ok: true, value: realpathSync(cwd) })
    expect(details.environment.ok && details.environment.value).toContain('PROCLAB_DETAILS_TEST=yes 42')
    // stdin/out/err at least, plus whatever node opens (epoll, eventfd, ...).
    expect(details.openFiles.ok && details.openFiles.value).toBeGreaterThanOrEqual(3)
    expect(details.children).toEqual([])
    expect((await monitor.details(process.pid)).children).toContain(child.pid)
  })

  it('says not-found for a process that has ended', async () => {
    const child = idleChild()
    const exited = once(child, 'exit')
    child.kill('SIGKILL')
    await exited // reaped: the pid no longer exists
    await expect(createMonitor().details(child.pid)).rejects.toMatchObject({ code: 'not-found' })
  })
})
