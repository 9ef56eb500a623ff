// Kill in the System tab must refuse Electron's own processes (renderer, GPU, utilities, and on
// Linux the zygotes that fork them), which come and go while the app runs. The rule that turns
// Electron's process list into pids is checked on its own, then with a real host and real
// processes standing in for Electron's: what is refused follows the list at each signal.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import { electronOwnPids, osProcessTable, type ProcessTable } from '../../src-main/electron/own-processes'
import { createHost } from '../../src-main/host'
import { terminationCode } from '../../src-main/platform/win32'
import { pidExists, spawnIdle } from '../helpers/os'
import { linuxOnly, onWindows } from '../helpers/platform'

describe('electronOwnPids', () => {
  const HOST = 1000
  // host 1000 → zygote 1001 → zygote 1002 → renderer 1003; host → GPU 1004; an unrelated 2000 → 2001.
  const parents = new Map([
    [1000, 900],
    [1001, 1000],
    [1002, 1001],
    [1003, 1002],
    [1004, 1000],
    [2000, 1],
    [2001, 2000],
  ])

  it('takes every listed process', () => {
    const listed = [
      { pid: HOST, type: 'Browser' },
      { pid: 1003, type: 'Tab' },
      { pid: 1004, type: 'GPU' },
    ]
    expect([...electronOwnPids(listed, HOST)].sort()).toEqual([1000, 1003, 1004])
  })

  const table = (parents: ReadonlyMap<number, number>, chromium: number[] = []): ProcessTable => ({ parents, isChromiumChild: (pid) => chromium.includes(pid) })

  it('adds the unlisted processes between a listed one and the host', () => {
    expect([...electronOwnPids([{ pid: 1003, type: 'Tab' }], HOST, table(parents))].sort()).toEqual([1001, 1002, 1003])
  })

  it('does not climb above a listed process whose chain misses the host', () => {
    expect([...electronOwnPids([{ pid: 2001, type: 'Utility' }], HOST, table(parents))]).toEqual([2001])
    const loop = new Map([
      [3000, 3001],
      [3001, 3000],
    ])
    expect([...electronOwnPids([{ pid: 3000, type: 'Tab' }], HOST, table(loop))]).toEqual([3000])
  })

  it("adds what Chromium started below the host, but nothing below a process it did not start", () => {
    // host → zygote 1001 (--type) → 1002 (--type) → 1003 (--type); host → lab main 1005 (none) → 1006 (--type, the user's)
    const withLab = new Map([...parents, [1005, 1000], [1006, 1005]])
    const own = electronOwnPids([], HOST, table(withLab, [1001, 1002, 1003, 1006, 2001]))
    expect([...own].sort()).toEqual([1001, 1002, 1003])
  })

  it('ignores pids that are not processes it may name', () => {
    const listed = [0, -1, 1, 1.5, Number.NaN].map((pid) => ({ pid, type: 'Unknown' }))
    expect(electronOwnPids(listed, HOST, table(parents)).size).toBe(0)
  })
})

describe('a host whose shell names its own processes', () => {
  // Each in its own process group, so that the whole group goes at the end, what they forked too.
  // Windows has no groups: there the child alone.
  const started: ChildProcess[] = []
  afterEach(async () => {
    for (const child of started.splice(0)) {
      const exited = child.exitCode === null && child.signalCode === null ? once(child, 'exit') : null
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        child.kill('SIGKILL') // the group is gone already, or there are none
      }
      await exited
    }
  })

  function sleeper(): ChildProcess & { pid: number } {
    const child = spawnIdle(300, { detached: true, windowsHide: true })
    started.push(child)
    return child
  }

  it('refuses what the list names at the moment of the signal, and only that', async () => {
    const renderer = sleeper()
    const restarted = sleeper()
    let listed = [{ pid: process.pid, type: 'Browser' }, { pid: renderer.pid, type: 'Tab' }]
    const host = await createHost({ sessionLog: false, protectedPids: () => electronOwnPids(listed, process.pid) })
    try {
      const refused = await host.handle({ id: 1, cmd: 'process.signal', args: { pid: renderer.pid, signal: 'SIGKILL' } })
      expect(refused).toMatchObject({ ok: false, error: { code: 'refused', message: expect.stringContaining('part of ProcLab') } })
      expect(pidExists(renderer.pid)).toBe(true)

      // The renderer is replaced: the old pid is no longer ours, the new one is.
      listed = [{ pid: process.pid, type: 'Browser' }, { pid: restarted.pid, type: 'Tab' }]
      expect(await host.handle({ id: 2, cmd: 'process.signal', args: { pid: restarted.pid, signal: 'SIGKILL' } })).toMatchObject({ ok: false, error: { code: 'refused' } })
      const ended = once(renderer, 'exit')
      expect(await host.handle({ id: 3, cmd: 'process.signal', args: { pid: renderer.pid, signal: 'SIGTERM' } })).toMatchObject({ ok: true })
      // Windows has no SIGTERM: ProcLab ends the process with TerminateProcess and the exit code
      // that stands for SIGTERM (0x10000 + 15), which its parent sees as a plain exit code.
      expect(await ended).toEqual(onWindows ? [terminationCode('SIGTERM'), null] : [null, 'SIGTERM'])
      expect(pidExists(restarted.pid)).toBe(true)
    } finally {
      await host.dispose()
    }
  })

  /** A child of this process (the host) that runs sh -c `script`, with `argv0` as its $0, and what the script prints first. */
  async function shell(script: string, argv0: string): Promise<{ child: ChildProcess & { pid: number }; first: string }> {
    const child = spawn('sh', ['-c', script, argv0], { stdio: ['ignore', 'pipe', 'ignore'], detached: true }) as ChildProcess & { pid: number }
    started.push(child)
    const [line] = (await once(child.stdout!, 'data')) as [Buffer]
    return { child, first: line.toString().trim() }
  }

  it('refuses the unlisted processes Chromium forks from, alone and as a tree, and nothing of the lab', linuxOnly('the stand-ins for zygotes are made with sh and found by the parents and command lines in /proc'), async () => {
    // Stand-ins, as /proc shows them: a zygote with a listed "renderer" below it; a zygote with no
    // listed child (--type= on its command line); a lab main (no --type=) whose child has one.
    const zygote = await shell('sleep 300 & echo $!; wait', 'zygote')
    const renderer = Number(zygote.first)
    const idle = await shell('echo ready; sleep 300; true', '--type=zygote')
    const lab = await shell("sh -c 'echo ready; sleep 300; true' --type=renderer & wait", 'lab-main')
    const host = await createHost({ sessionLog: false, protectedPids: () => electronOwnPids([{ pid: renderer, type: 'Tab' }], process.pid, osProcessTable()) })
    try {
      for (const pid of [zygote.child.pid, idle.child.pid]) {
        for (const tree of [false, true]) {
          const answer = await host.handle({ id: 1, cmd: 'process.signal', args: { pid, signal: 'SIGKILL', tree } })
          expect(answer, `pid ${pid}, tree ${tree}`).toMatchObject({ ok: false, error: { code: 'refused', message: expect.stringContaining('part of ProcLab') } })
        }
      }
      expect([zygote.child.pid, renderer, idle.child.pid].every(pidExists)).toBe(true)
      // The lab's tree is the user's to signal, a --type= below it included.
      const answer = await host.handle({ id: 2, cmd: 'process.signal', args: { pid: lab.child.pid, signal: 'SIGCONT', tree: true } })
      expect(answer).toMatchObject({ ok: true })
      const outcomes = (answer as { value: { tree: Array<{ pid: number; ok: boolean }> } }).value.tree
      expect(outcomes.length).toBe(3) // lab main, its --type= child, that one's sleep
      expect(outcomes.every((o) => o.ok)).toBe(true)
    } finally {
      await host.dispose()
    }
  })
})
