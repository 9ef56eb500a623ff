// Windows' native process table against real processes (under Wine here, on Windows in CI): this
// process and a child it spawned, as NtQuerySystemInformation and the per-process calls see them,
// through the platform module and the monitor. The bytes themselves are tested on every OS
// (platform-windows-parse.test.ts).
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { cpus, totalmem } from 'node:os'
import { basename } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createMonitor } from '../../src-main/monitor'
import { platform } from '../../src-main/platform'
import { loadLibrary } from '../../src-main/platform/koffi'
import type { RawProcess } from '../../src-main/platform/types'
import { notUnderWine, windowsOnly } from '../helpers/platform'

const WHY = 'it calls ntdll and kernel32 through koffi'
const children: ChildProcess[] = []

/** A Node child that lives until killed, and the wall-clock moments around its start. */
async function startChild(code = 'setInterval(() => {}, 1000)'): Promise<{ child: ChildProcess; before: number; after: number }> {
  const before = Date.now()
  const child = spawn(process.execPath, ['-e', code, 'an argument'], { stdio: 'ignore' })
  children.push(child)
  await once(child, 'spawn')
  return { child, before, after: Date.now() }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill()
    await once(child, 'exit')
  }
}

afterEach(async () => {
  await Promise.all(children.splice(0).map(stop))
})

const byPid = (rows: RawProcess[], pid: number) => rows.find((row) => row.pid === pid)
const exe = basename(process.execPath).toLowerCase()

describe('the native table on Windows', windowsOnly(WHY), () => {
  it('is the one the platform uses: no systeminformation, no PowerShell', () => {
    expect(platform.processes.samplerKind).toBe('windows-nt')
    expect((platform.processes as { fallbackReason?: string | null }).fallbackReason).toBeNull()
  })

  it('lists this process and a child it spawned: parent, name, user, threads, start time, memory', async () => {
    const { child, before, after } = await startChild()
    const rows = await platform.processes.sampler().sample()

    const self = byPid(rows, process.pid)!
    expect(self).toBeDefined()
    expect(self.ppid).toBe(process.ppid)
    expect(self.name.toLowerCase()).toBe(exe)
    expect(self.user).toBe(platform.userName())
    expect(self.threads).toBeGreaterThanOrEqual(1)
    expect(self.rss).toBeGreaterThan(1024 * 1024)
    expect(self.cpuTimeMs).toBeGreaterThan(0)
    // Started before this test, and not before Node's own clock says it did (give or take a minute of a slow start).
    expect(self.startedAt).toBeLessThanOrEqual(before)
    expect(self.startedAt).toBeGreaterThan(Date.now() - process.uptime() * 1000 - 60_000)

    const kid = byPid(rows, child.pid!)!
    expect(kid).toBeDefined()
    expect(kid).toMatchObject({ ppid: process.pid, user: platform.userName() })
    expect(kid.name.toLowerCase()).toBe(exe)
    expect(kid.command.toLowerCase()).toContain('node')
    expect(kid.threads).toBeGreaterThanOrEqual(1)
    expect(['running', 'sleeping']).toContain(kid.state)
    // Its CreateTime lies between the moments around spawn() (the system clock ticks in ~16 ms steps).
    expect(kid.startedAt).toBeGreaterThanOrEqual(before - 50)
    expect(kid.startedAt).toBeLessThanOrEqual(after + 50)
  })

  it('leaves out a child once it has ended', async () => {
    const { child } = await startChild()
    const sampler = platform.processes.sampler()
    expect(byPid(await sampler.sample(), child.pid!)).toBeDefined()
    await stop(child)
    expect(byPid(await sampler.sample(), child.pid!)).toBeUndefined()
  })

  it('reads parents fresh, without a sample: a new child is under this process', async () => {
    const { child } = await startChild()
    const parents = platform.processes.parentReader(() => null)()
    expect(parents.get(child.pid!)).toBe(process.pid)
    expect(parents.get(process.pid)).toBe(process.ppid)
  })

  it('reads a few processes on their own: CPU time grows while a child spins, and a gone one is left out', async () => {
    const { child: busy } = await startChild('for (;;) {}')
    const { child: gone } = await startChild('')
    await once(gone, 'exit')
    const usage = platform.processes.usage!
    const first = usage([busy.pid!, gone.pid!])
    expect([...first.keys()]).toEqual([busy.pid])
    expect(first.get(busy.pid!)!.rss).toBeGreaterThan(1024 * 1024)
    let later = first.get(busy.pid!)!.cpuTimeMs
    while (later <= first.get(busy.pid!)!.cpuTimeMs) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      later = usage([busy.pid!]).get(busy.pid!)!.cpuTimeMs
    }
    expect(later).toBeGreaterThan(first.get(busy.pid!)!.cpuTimeMs)
  })

  it('tells a spinning child from a sleeping one by CPU time', notUnderWine("Wine 8's GetProcessTimes gives every process the same slowly growing figure (a suspended process and a spinner grew alike)"), async () => {
    const { child: busy } = await startChild('for (;;) {}')
    const { child: idle } = await startChild()
    const usage = platform.processes.usage!
    const cpu = (pid: number) => usage([pid]).get(pid)!.cpuTimeMs
    const [busyFrom, idleFrom] = [cpu(busy.pid!), cpu(idle.pid!)]
    while (cpu(busy.pid!) - busyFrom < 500) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(cpu(idle.pid!) - idleFrom).toBeLessThan((cpu(busy.pid!) - busyFrom) / 10)
  })

  it("gives the monitor rows and the System tab's figures", async () => {
    const { child } = await startChild()
    const monitor = createMonitor()
    expect(monitor.sampler.kind).toBe('windows-nt')
    const rows = await monitor.list(new Set([child.pid!]))
    expect(rows.find((row) => row.pid === child.pid)).toMatchObject({ ppid: process.pid, user: platform.userName() })
    const system = await monitor.system()
    expect(system.cpus).toHaveLength(cpus().length)
    expect(system.cpus.every((busy) => busy >= 0 && busy <= 100)).toBe(true)
    expect(system.mem.total).toBe(totalmem())
    expect(system.mem.available).toBeGreaterThan(0)
    expect(system.processes).toBeGreaterThan(1)
    expect(system.threads).toBeGreaterThanOrEqual(system.processes)
  })

  it("reads a child's arguments, spaces and all", notUnderWine('Wine 8 has no ProcessCommandLineInformation (the table shows the image path instead)'), async () => {
    const { child } = await startChild()
    expect(platform.processes.commandLine!(child.pid!)).toEqual([process.execPath, '-e', 'setInterval(() => {}, 1000)', 'an argument'])
  })

  it('shows a suspended process as stopped, and no longer once it is resumed', notUnderWine('Wine 8 fills in no thread states: every process reads as sleeping'), async () => {
    const kernel32 = loadLibrary('kernel32.dll')
    const ntdll = loadLibrary('ntdll.dll')
    const OpenProcess = kernel32.func('void * __stdcall OpenProcess(uint32_t access, int inherit, uint32_t pid)')
    const CloseHandle = kernel32.func('int __stdcall CloseHandle(void *handle)')
    // What Process Explorer's Suspend and a debugger's break do: every thread of the process suspended.
    const NtSuspendProcess = ntdll.func('int32_t __stdcall NtSuspendProcess(void *process)')
    const NtResumeProcess = ntdll.func('int32_t __stdcall NtResumeProcess(void *process)')
    const PROCESS_SUSPEND_RESUME = 0x0800
    const { child } = await startChild()
    const handle: unknown = OpenProcess(PROCESS_SUSPEND_RESUME, 0, child.pid!)
    expect(handle).not.toBeNull()
    const sampler = platform.processes.sampler()
    const state = async () => byPid(await sampler.sample(), child.pid!)!.state
    try {
      expect(NtSuspendProcess(handle)).toBe(0)
      // Each thread stops when it next runs kernel code: at once for a waiting one, soon for the others.
      while ((await state()) !== 'stopped') await new Promise((resolve) => setTimeout(resolve, 20))
      expect(NtResumeProcess(handle)).toBe(0)
      while ((await state()) === 'stopped') await new Promise((resolve) => setTimeout(resolve, 20))
      expect(['running', 'sleeping']).toContain(await state())
    } finally {
      CloseHandle(handle)
    }
  })
})
