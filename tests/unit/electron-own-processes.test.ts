// Kill in the System tab must refuse Electron's own processes (renderer, GPU, utilities, and on
// Linux the zygotes that fork them), which come and go while the app runs. The rule that turns
// Electron's process list into pids is checked on its own, then with a real host and real
// processes standing in for Electron's: what is refused follows the list at each signal.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import { electronOwnPids } from '../../src-main/electron/own-processes'
import { createHost } from '../../src-main/host'
import { readProcParents } from '../../src-main/monitor/process-parents'
import { pidExists } from '../helpers/os'

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

  it('adds the unlisted processes between a listed one and the host', () => {
    expect([...electronOwnPids([{ pid: 1003, type: 'Tab' }], HOST, parents)].sort()).toEqual([1001, 1002, 1003])
  })

  it('does not climb above a listed process whose chain misses the host', () => {
    expect([...electronOwnPids([{ pid: 2001, type: 'Utility' }], HOST, parents)]).toEqual([2001])
    const loop = new Map([
      [3000, 3001],
      [3001, 3000],
    ])
    expect([...electronOwnPids([{ pid: 3000, type: 'Tab' }], HOST, loop)]).toEqual([3000])
  })

  it('ignores pids that are not processes it may name', () => {
    const listed = [0, -1, 1, 1.5, Number.NaN].map((pid) => ({ pid, type: 'Unknown' }))
    expect(electronOwnPids(listed, HOST, parents).size).toBe(0)
  })
})

describe('a host whose shell names its own processes', () => {
  const started: ChildProcess[] = []
  afterEach(async () => {
    for (const child of started.splice(0)) {
      if (child.exitCode !== null || child.signalCode !== null) continue
      const exited = once(child, 'exit')
      child.kill('SIGKILL')
      await exited
    }
  })

  function sleeper(): ChildProcess & { pid: number } {
    const child = spawn('sleep', ['300'], { stdio: 'ignore' })
    started.push(child)
    return child as ChildProcess & { pid: number }
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
      expect(await ended).toEqual([null, 'SIGTERM'])
      expect(pidExists(restarted.pid)).toBe(true)
    } finally {
      await host.dispose()
    }
  })

  it.runIf(process.platform === 'linux')('refuses the unlisted process a listed one was forked from, alone and as a tree', async () => {
    // A stand-in for Linux's zygote: a child of the host that forks the "renderer" Electron lists.
    const zygote = spawn('sh', ['-c', 'sleep 300 & echo $!; wait'], { stdio: ['ignore', 'pipe', 'ignore'] }) as ChildProcess & { pid: number }
    started.push(zygote)
    const [line] = (await once(zygote.stdout!, 'data')) as [Buffer]
    const renderer = Number(line.toString().trim())
    const host = await createHost({ sessionLog: false, protectedPids: () => electronOwnPids([{ pid: renderer, type: 'Tab' }], process.pid, readProcParents()) })
    try {
      expect(await host.handle({ id: 1, cmd: 'process.signal', args: { pid: zygote.pid, signal: 'SIGKILL' } })).toMatchObject({ ok: false, error: { code: 'refused' } })
      expect(await host.handle({ id: 2, cmd: 'process.signal', args: { pid: zygote.pid, signal: 'SIGKILL', tree: true } })).toMatchObject({ ok: false, error: { code: 'refused' } })
      expect(pidExists(zygote.pid)).toBe(true)
      expect(pidExists(renderer)).toBe(true)
    } finally {
      await host.dispose()
      process.kill(renderer, 'SIGKILL')
    }
  })
})
