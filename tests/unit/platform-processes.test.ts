// Each OS module's process table: which one index.ts picks, what the monitor gets from each, and
// the parts that hold on any OS (Windows' and macOS's, run here on their module).
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { describe, expect, it } from 'vitest'
import { MonitorError } from '../../src-main/monitor'
import { platform, platformFor } from '../../src-main/platform'
import { darwin } from '../../src-main/platform/darwin'
import { linux } from '../../src-main/platform/linux'
import type { RawProcess, TimedSample } from '../../src-main/platform/types'
import { parentsFromSample } from '../../src-main/platform/si/table'
import { win32 } from '../../src-main/platform/win32'

function capture(call: () => unknown): unknown {
  try {
    call()
  } catch (error) {
    return error
  }
  return null
}

const raw = (pid: number, ppid: number): RawProcess => ({ pid, ppid, name: 'x', command: 'x', user: 'u', state: 'sleeping', cpuTimeMs: null, cpuPercentHint: 0, rss: 0, startedAt: null, threads: 1, nice: 0 })

describe('the platform is chosen once, by the OS', () => {
  it('picks the module of the OS it runs on, the same object every time', () => {
    expect(platformFor('linux')).toBe(linux)
    expect(platformFor('darwin')).toBe(darwin)
    expect(platformFor('win32')).toBe(win32)
    expect(platform).toBe(platformFor(process.platform))
    expect(platform.name).toBe(process.platform)
  })

  it('gives other Unixes the POSIX ways under their own name', () => {
    const bsd = platformFor('freebsd')
    expect(bsd.name).toBe('freebsd')
    expect(bsd.processes.usage).toBeNull()
    expect(bsd.signals.available).toEqual(darwin.signals.available)
  })

  it('Linux reads /proc; Windows and macOS make native calls where they run, and use systeminformation where the calls cannot be made', () => {
    for (const os of [linux, darwin, win32]) expect(os.processes.sampler().kind).toBe(os.processes.samplerKind)
    expect(linux.processes.samplerKind).toBe('linux-proc')
    expect(win32.processes.samplerKind).toBe(platform === win32 ? 'windows-nt' : 'systeminformation')
    expect(darwin.processes.samplerKind).toBe(platform === darwin ? 'darwin-libproc' : 'systeminformation')
  })

  it("the desktop's conventions: macOS's app menu, and its apps outlive their windows", () => {
    expect([linux, darwin, win32].map((os) => [os.hasAppMenu, os.appOutlivesWindows])).toEqual([
      [false, false],
      [true, true],
      [false, false],
    ])
  })

  it("only POSIX has fork (Python's 'fork' start method)", () => {
    expect(linux.hasFork).toBe(true)
    expect(darwin.hasFork).toBe(true)
    expect(win32.hasFork).toBe(false)
  })
})

describe('where only the table is cheap to read (macOS and Windows)', () => {
  it('details say per field that the OS module cannot read them, and children come from the sample', () => {
    for (const os of [darwin, win32]) {
      const details = os.processes.details(process.pid, () => [7, 9])
      expect(details).toEqual({
        pid: process.pid,
        cwd: { ok: false, reason: `not available on ${os.title}` },
        environment: { ok: false, reason: `not available on ${os.title}` },
        openFiles: { ok: false, reason: `not available on ${os.title}` },
        children: [7, 9],
      })
    }
  })

  it('details of a process that has ended are a not-found error', async () => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
    await once(child, 'exit')
    for (const os of [darwin, win32]) {
      const thrown = capture(() => os.processes.details(child.pid!, () => []))
      expect(thrown).toBeInstanceOf(MonitorError)
      expect(thrown).toMatchObject({ code: 'not-found' })
    }
  })

  it("systeminformation's table on Windows reads parents from the monitor's last sample (a fresh one costs a whole sample)", () => {
    const sample: TimedSample = { at: 0, processes: [raw(4, 0), raw(500, 4), raw(501, 500)] }
    expect([...parentsFromSample(() => sample)()]).toEqual([[4, 0], [500, 4], [501, 500]])
    expect(parentsFromSample(() => null)().size).toBe(0)
  })

  it("another OS's module, whose native calls cannot be made here, has no cheap reading of a few processes: the lab sampler uses the whole table", () => {
    for (const os of [darwin, win32].filter((os) => os !== platform)) {
      expect(os.processes.usage).toBeNull()
      expect(os.processes.commandLine).toBeNull()
    }
  })
})

describe.runIf(process.platform === 'linux')('Linux: a few processes read on their own', () => {
  it('gives CPU time and memory of a busy child, growing, and leaves out one that has gone', async () => {
    const busy = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' })
    const gone = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
    try {
      await Promise.all([once(busy, 'spawn'), once(gone, 'exit')])
      const usage = linux.processes.usage!
      const first = usage([busy.pid!, gone.pid!])
      expect([...first.keys()]).toEqual([busy.pid])
      expect(first.get(busy.pid!)!.rss).toBeGreaterThan(1024 * 1024)
      // It spins: its CPU time grows, however loaded the machine (it only has to get a tick).
      let later = first.get(busy.pid!)!.cpuTimeMs
      while (later <= first.get(busy.pid!)!.cpuTimeMs) {
        await new Promise((resolve) => setTimeout(resolve, 20))
        later = usage([busy.pid!]).get(busy.pid!)!.cpuTimeMs
      }
      expect(later).toBeGreaterThan(first.get(busy.pid!)!.cpuTimeMs)
    } finally {
      busy.kill('SIGKILL')
    }
  })

  it("reads one process's arguments, spaces and all; a gone one is null", async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'two words', '--type=renderer'], { stdio: 'ignore' })
    try {
      await once(child, 'spawn')
      expect(linux.processes.commandLine!(child.pid!)).toEqual([process.execPath, '-e', 'setInterval(() => {}, 1000)', 'two words', '--type=renderer'])
    } finally {
      child.kill('SIGKILL')
      await once(child, 'exit')
    }
    expect(linux.processes.commandLine!(child.pid!)).toBeNull()
  })

  it('counts the CPU of children it has waited for', async () => {
    const before = linux.processes.waitedChildrenCpuMs!()
    const child = spawn(process.execPath, ['-e', 'const end = Date.now() + 300; while (Date.now() < end) {}'], { stdio: 'ignore' })
    await once(child, 'exit')
    // At least the busy loop's own CPU, in clock ticks of 10 ms: more than nothing, whatever the load.
    expect(linux.processes.waitedChildrenCpuMs!()).toBeGreaterThan(before)
    expect(win32.processes.waitedChildrenCpuMs).toBeNull()
  })

  it("the host's user is spelled as the table spells the user of its processes", async () => {
    const rows = await linux.processes.sampler().sample()
    expect(rows.find((p) => p.pid === process.pid)?.user).toBe(linux.userName())
  })
})
