// How Windows ends processes for ProcLab, with real processes: TerminateProcess with the exit code
// that names the signal, a tree ended from a process table with each parent checked to be older
// than its child, and a run's job object (kill on close) as the guard against the host's death.
// Runs under Windows (and Wine, which has every call used here).
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import type { TreeWalk } from '../../src-main/platform'
import { win32, terminationCode } from '../../src-main/platform/win32'
import { pidAlive, waitUntil } from '../helpers/lab'
import { windowsOnly } from '../helpers/platform'

const only = windowsOnly('TerminateProcess, process handles and job objects are Windows calls')

const started: ChildProcess[] = []
afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL')
})

/**
 * A Node that starts a chain of `depth` Nodes below it (each the next one's parent), each printing
 * its child's pid to this test, then idling. `detached` as lab processes start theirs (on Windows:
 * out of the parent's libuv job, which would end a child with its parent).
 */
function tree(depth: number, options: { detached?: boolean } = {}): ChildProcess {
  const source = `
    const { spawn } = require('node:child_process')
    const [depth, detached] = [Number(process.argv[2]), process.argv[3] === 'detached']
    if (depth > 0) {
      const child = spawn(process.execPath, ['-e', process.argv[1], process.argv[1], String(depth - 1), process.argv[3]], { stdio: ['ignore', 'inherit', 'ignore'], detached })
      console.log(child.pid)
    }
    setInterval(() => {}, 1000)
  `
  const child = spawn(process.execPath, ['-e', source, source, String(depth), options.detached ? 'detached' : 'attached'], { stdio: ['ignore', 'pipe', 'ignore'] })
  started.push(child)
  return child
}

/** Collects the pids the tree prints until there are `count`. */
async function pidsOf(child: ChildProcess, count: number): Promise<number[]> {
  let text = ''
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()))
  await waitUntil(() => text.split(/\s+/).filter(Boolean).length >= count, 20_000, `${count} pids from the tree`)
  return text.split(/\s+/).filter(Boolean).map(Number)
}

function exitOf(child: ChildProcess): Promise<[number | null, NodeJS.Signals | null]> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve([child.exitCode, child.signalCode])
  return once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
}

/** A walk over a table the test knows (parent → children), read the same at every scan. */
function walk(root: number, children: Record<number, number[]>): TreeWalk {
  const parents = new Map<number, number>()
  for (const [parent, list] of Object.entries(children)) for (const child of list) parents.set(child, Number(parent))
  const order = [root]
  for (let i = 0; i < order.length; i++) order.push(...(children[order[i]!] ?? []))
  return { scan: () => order, parentOf: (pid) => parents.get(pid) ?? null, check: () => undefined }
}

describe('a signal is an exit code that names it', () => {
  for (const [signal, exitCode] of [['SIGTERM', -15], ['SIGKILL', -9]] as const) {
    it(`signals.send(${signal}) ends the process with its termination code, which reads as ${exitCode}`, only, async () => {
      const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
      started.push(child)
      await once(child, 'spawn')
      win32.signals.send(child.pid!, signal)
      const [code, nodeSignal] = await exitOf(child)
      // Node did not kill it: only the code tells, and the code names the signal.
      expect([code, nodeSignal]).toEqual([terminationCode(signal), null])
      expect(win32.exits.fromNode(code, nodeSignal)).toEqual({ exitCode, signal })
    })
  }

  it('a pid with no process is not-found; sendIfThere says nothing', only, async () => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
    await exitOf(child)
    expect(() => win32.signals.send(child.pid!, 'SIGTERM')).toThrow(expect.objectContaining({ code: 'not-found' }))
    expect(() => win32.signals.sendIfThere(child.pid!, 'SIGTERM')).not.toThrow()
  })
})

describe('a tree ended from the table, each parent checked', () => {
  it('ends the root and every descendant, top-down, with the termination code', only, async () => {
    // Detached, so that nothing but the tree end ends the descendants (a parent's libuv job would).
    const root = tree(2, { detached: true })
    const [child, grandchild] = await pidsOf(root, 2)
    const outcomes = await win32.signals.sendToTree(root.pid!, 'SIGKILL', walk(root.pid!, { [root.pid!]: [child!], [child!]: [grandchild!] }))
    expect(outcomes).toEqual([root.pid, child, grandchild].map((pid) => ({ pid, ok: true })))
    expect(win32.exits.fromNode(...(await exitOf(root)))).toEqual({ exitCode: -9, signal: 'SIGKILL' })
    await waitUntil(() => !pidAlive(child!) && !pidAlive(grandchild!), 5000, 'the descendants to end')
  })

  it('refuses a process that started before the parent the table names (a reused parent pid), and ends the rest', only, async () => {
    const older = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
    started.push(older)
    await once(older, 'spawn')
    const root = tree(1, { detached: true })
    const [child] = await pidsOf(root, 1)
    // The table says `older` is the root's child: as if the root had been given the pid of older's real, long-gone parent.
    const outcomes = await win32.signals.sendToTree(root.pid!, 'SIGTERM', walk(root.pid!, { [root.pid!]: [child!, older.pid!] }))
    expect(outcomes.find((o) => o.pid === older.pid)).toMatchObject({ ok: false, code: 'refused', error: expect.stringMatching(/started before pid \d+.*reused/) })
    expect(outcomes.filter((o) => o.ok).map((o) => o.pid).sort()).toEqual([root.pid, child].sort())
    await exitOf(root)
    await waitUntil(() => !pidAlive(child!), 5000, 'the real child to end')
    expect(pidAlive(older.pid!)).toBe(true)
  })

  it('a root that is gone is not-found', only, async () => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
    await exitOf(child)
    await expect(win32.signals.sendToTree(child.pid!, 'SIGTERM', { scan: () => null, parentOf: () => null, check: () => undefined })).rejects.toMatchObject({ code: 'not-found' })
  })
})

describe("a run's job object", () => {
  it('an orphan outlives its parent; the job ends it with the termination code, and closing the guard ends what is left', only, async () => {
    const troubles: string[] = []
    const guard = win32.lab.hostDeathGuard((message) => troubles.push(message))
    // The leader starts a child `detached`, as lab processes do, and that child one of its own.
    const leader = tree(2, { detached: true })
    guard.watch(leader.pid!)
    const [orphan, grandchild] = await pidsOf(leader, 2)
    const groups = win32.lab.groups!
    expect(groups.exists(leader.pid!)).toBe(true)
    leader.kill('SIGKILL')
    await exitOf(leader)
    // The orphan lives on without its parent, and its own child with it.
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect([pidAlive(orphan!), pidAlive(grandchild!)]).toEqual([true, true])
    expect(groups.exists(leader.pid!)).toBe(true)
    // The job reaches them though their parent is gone.
    groups.signal(leader.pid!, 'SIGTERM')
    await waitUntil(() => !groups.exists(leader.pid!), 5000, 'the job to be empty')
    expect([pidAlive(orphan!), pidAlive(grandchild!)]).toEqual([false, false])
    guard.unwatch(leader.pid!)
    guard.close()
    expect(troubles).toEqual([])
  })

  it('closing the guard (as the host dying does) ends what its jobs still hold', only, async () => {
    const guard = win32.lab.hostDeathGuard(() => undefined)
    const leader = tree(1, { detached: true })
    guard.watch(leader.pid!)
    const [child] = await pidsOf(leader, 1)
    guard.close()
    await exitOf(leader)
    await waitUntil(() => !pidAlive(child!), 5000, 'the detached child to end with the job')
  })

  it('identify: parent, creation time and state of a pid, and the run whose job holds it', only, async () => {
    const guard = win32.lab.hostDeathGuard(() => undefined)
    const leader = tree(1, { detached: true })
    guard.watch(leader.pid!)
    const [child] = await pidsOf(leader, 1)
    const identify = win32.lab.identify!
    const seen = identify(child!)!
    expect(seen).toMatchObject({ ppid: leader.pid, pgrp: leader.pid, state: 'R' })
    // µs since 1970, a moment ago.
    expect(Math.abs(seen.startTime / 1000 - Date.now())).toBeLessThan(60_000)
    expect(identify(child!)!.startTime).toBe(seen.startTime)
    expect(identify(process.pid)).toMatchObject({ pgrp: 0, state: 'R' })
    guard.close()
    await exitOf(leader)
    await waitUntil(() => identify(child!) === null, 5000, 'the child to be gone')
  })
})
