// What the lab needs of each OS: the broker's address, process groups, pid checks, the run table,
// the guard against the host's death. Windows' parts that hold anywhere are tested on its module.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, statSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { platform } from '../../src-main/platform'
import { darwin } from '../../src-main/platform/darwin'
import { linux } from '../../src-main/platform/linux'
import { win32 } from '../../src-main/platform/win32'
import { linuxOnly, notOnWindows } from '../helpers/platform'

const posix = process.platform !== 'win32'

describe("the broker's address", () => {
  it('Windows: a named pipe with an unguessable name, nothing on disk', async () => {
    const a = await win32.lab.broker.address()
    const b = await win32.lab.broker.address()
    expect(a.path).toMatch(new RegExp(`^\\\\\\\\\\.\\\\pipe\\\\proclab-${process.pid}-[0-9a-f]{32}$`))
    expect(a.dir).toBeNull()
    expect(b.path).not.toBe(a.path)
  })

  it('POSIX: a socket in a fresh directory only its user can enter, removed on release', notOnWindows('a named pipe there, nothing on disk'), async () => {
    for (const os of [linux, darwin]) {
      const address = await os.lab.broker.address()
      expect(address.dir).not.toBeNull()
      expect(address.path).toBe(`${address.dir}/broker.sock`)
      // It must fit a Unix socket's sun_path (104 bytes on macOS with the NUL).
      expect(Buffer.byteLength(address.path)).toBeLessThanOrEqual(100)
      expect(statSync(address.dir!).mode & 0o777).toBe(0o700)
      os.lab.broker.release(address)
      expect(existsSync(address.dir!)).toBe(false)
    }
  })
})

describe('process groups', () => {
  it("Windows has none: a run's job object stands in, and lab processes start their children detached there only", () => {
    expect(win32.lab.groups).not.toBeNull()
    expect(linux.lab.groups).not.toBeNull()
    expect(darwin.lab.groups).not.toBeNull()
    expect(win32.lab.detachedChildren).toBe(true)
    // On POSIX a detached child would leave the run's process group.
    expect(linux.lab.detachedChildren).toBe(false)
    expect(darwin.lab.detachedChildren).toBe(false)
  })

  it('POSIX: one signal reaches the group a detached process leads, and its own children', notOnWindows('no process groups (the run job is tested in platform-windows-ends)'), async () => {
    const leader = spawn('/bin/sh', ['-c', 'sleep 30 & sleep 30 & wait'], { detached: true, stdio: 'ignore' })
    await once(leader, 'spawn')
    const groups = platform.lab.groups!
    expect(groups.exists(leader.pid!)).toBe(true)
    groups.signal(leader.pid!, 'SIGKILL')
    await once(leader, 'exit')
    // The sleeps were killed with it (they were in its group): nothing of the group runs any more.
    // (Zombies may stay listed under a pid 1 that never reaps, as in some containers.)
    const live = () => platform.lab.runTable()!.filter((row) => row.pgid === leader.pid && !row.zombie)
    while (live().length > 0) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(live()).toEqual([])
    // A group that is gone is no failure.
    expect(() => groups.signal(leader.pid!, 'SIGTERM')).not.toThrow()
  })
})

describe('pid checks and the run table', () => {
  it('Linux and Windows can check a pid cheaply (Windows through native calls, so not elsewhere); Windows lists no table for a run', () => {
    expect(darwin.lab.identify).toBeNull()
    // kernel32.dll loads only on Windows: elsewhere its module says it cannot check.
    if (posix) expect(win32.lab.identify).toBeNull()
    else expect(win32.lab.identify).toBeTypeOf('function')
    expect(win32.lab.runTable()).toBeNull()
  })

  it('Linux: a pid names its parent, group and start time; a gone one is null', linuxOnly('reads /proc (Windows: platform-windows-ends)'), async () => {
    const me = linux.lab.identify!(process.pid)!
    expect(me.ppid).toBe(process.ppid)
    expect(me.state).toMatch(/^[RS]$/)
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
    await once(child, 'exit')
    expect(linux.lab.identify!(child.pid!)).toBeNull()
  })

  it("the run table lists this process in its group, by /proc (Linux) and by ps (macOS's way, which works here too)", notOnWindows('no run table: the run job finds its members'), () => {
    const group = process.platform === 'linux' ? linux.lab.identify!(process.pid)!.pgrp : null
    for (const os of process.platform === 'linux' ? [linux, darwin] : [platform]) {
      const row = os.lab.runTable()!.find((r) => r.pid === process.pid)
      expect(row).toMatchObject({ ppid: process.ppid, zombie: false })
      if (group !== null) expect(row!.pgid).toBe(group)
    }
  })
})

describe("the guard against the host's death, and the wire's fast path", () => {
  it("Windows: the guard is a job object, no process; without native calls it says so and does nothing", () => {
    const troubles: string[] = []
    const guard = win32.lab.hostDeathGuard((message) => troubles.push(message))
    expect(guard.pid).toBeNull()
    if (posix) {
      expect(troubles).toEqual([expect.stringMatching(/^no guard against ProcLab's own death: .*lab processes end themselves/)])
      expect(() => guard.watch(1234)).not.toThrow()
    }
    guard.close()
    // The job ends a run at once; a lab process's own end is for when there is no job.
    expect(win32.lab.selfEndDelayMs).toBeGreaterThan(0)
  })

  it('POSIX: lab processes leave the watchdog a moment first', () => {
    expect(linux.lab.selfEndDelayMs).toBeGreaterThan(0)
    expect(darwin.lab.selfEndDelayMs).toBe(linux.lab.selfEndDelayMs)
  })

  it('sockets are written through their descriptor on POSIX, never through a Windows pipe handle', () => {
    expect(linux.lab.directSocketWrites).toBe(true)
    expect(darwin.lab.directSocketWrites).toBe(true)
    expect(win32.lab.directSocketWrites).toBe(false)
  })

  it('real zombies: Linux starts unreaped processes; Windows has no zombies and keeps an orphan’s parent pid; macOS is not wired yet', () => {
    expect(linux.lab.unreaped).not.toBeNull()
    expect(win32.lab.unreaped).toBeNull()
    expect(darwin.lab.unreaped).toBeNull()
    expect([linux.lab.reparentsOrphans, darwin.lab.reparentsOrphans, win32.lab.reparentsOrphans]).toEqual([true, true, false])
  })
})
