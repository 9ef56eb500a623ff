// Kill whole tree on real processes: a shell with sleeps below it (and one grandchild level), and
// the simulated process table that must never lead to a real signal.
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import { createMonitor, descendantsTopDown, MonitorError, readProcParents } from '../../src-main/monitor'
import { removeFakeProc, writeFakeProc } from '../helpers/fake-proc'
import { linuxOnly } from '../helpers/platform'

const children: ChildProcess[] = []
const strays = new Set<number>()
const guard = { protectedPids: new Set<number>() }

afterEach(async () => {
  for (const pid of strays) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // gone, as it should be
    }
  }
  strays.clear()
  await Promise.all(
    children.splice(0).map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = once(child, 'exit')
      child.kill('SIGKILL')
      await exited
    }),
  )
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Alive and not a zombie (a zombie has ended; it only waits for its parent to read its status). */
function running(pid: number): boolean {
  const parents = readProcParents()
  if (!parents.has(pid)) return false
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

/** sh → (sleep, sleep, sh → (sleep, sleep)): five descendants in two levels, all ours. */
async function startTree(): Promise<{ root: ChildProcess & { pid: number }; descendants: number[] }> {
  const script = 'sleep 300 & sleep 300 & sh -c "sleep 300 & sleep 300 & wait" & wait'
  const root = spawn('sh', ['-c', script], { stdio: 'ignore' })
  children.push(root)
  if (root.pid === undefined) throw new Error('could not start sh')
  const deadline = Date.now() + 10_000
  let descendants: number[] = []
  while (Date.now() < deadline) {
    descendants = descendantsTopDown(root.pid, readProcParents(), new Set()).slice(1)
    if (descendants.length >= 5) break
    await sleep(50)
  }
  descendants.forEach((pid) => strays.add(pid))
  expect(descendants).toHaveLength(5)
  return { root: root as ChildProcess & { pid: number }, descendants }
}

describe('kill whole tree', linuxOnly('the tree is made with sh and read from /proc; SIGSTOP/SIGCONT'), () => {
  it('SIGKILL ends the root and every descendant, and reports each one, top-down', async () => {
    const { root, descendants } = await startTree()
    const exited = once(root, 'exit')
    const outcomes = await createMonitor().signalTree(root.pid, 'SIGKILL', guard)
    expect(outcomes.map((o) => o.pid)).toEqual([root.pid, ...descendants])
    expect(outcomes.every((o) => o.ok)).toBe(true)
    expect(await exited).toEqual([null, 'SIGKILL'])
    await expect.poll(() => descendants.filter(running), { timeout: 10_000 }).toEqual([])
  })

  it('SIGTERM reaches stopped processes too: the tree is stopped, signalled, then continued', async () => {
    const { root, descendants } = await startTree()
    const exited = once(root, 'exit')
    const outcomes = await createMonitor().signalTree(root.pid, 'SIGTERM', guard)
    expect(outcomes.filter((o) => !o.ok)).toEqual([])
    expect(await exited).toEqual([null, 'SIGTERM'])
    await expect.poll(() => descendants.filter(running), { timeout: 10_000 }).toEqual([])
  })

  it('SIGSTOP leaves the whole tree stopped, and SIGCONT resumes it', async () => {
    const { root, descendants } = await startTree()
    const monitor = createMonitor()
    const state = async () => {
      const rows = await monitor.list(new Set())
      return [root.pid, ...descendants].map((pid) => rows.find((r) => r.pid === pid)?.state)
    }
    await monitor.signalTree(root.pid, 'SIGSTOP', guard)
    await expect.poll(state, { timeout: 10_000 }).toEqual(Array(6).fill('stopped'))
    await monitor.signalTree(root.pid, 'SIGCONT', guard)
    await expect.poll(state, { timeout: 10_000 }).toEqual(Array(6).fill('sleeping'))
  })

  it('refuses the root in plain words when it is protected, pid 1, an ancestor of the host, or gone', async () => {
    const { root, descendants } = await startTree()
    const monitor = createMonitor()
    const refusal = async (pid: number, g = guard) => {
      try {
        await monitor.signalTree(pid, 'SIGKILL', g)
      } catch (err) {
        expect(err).toBeInstanceOf(MonitorError)
        return `${(err as MonitorError).code}: ${(err as MonitorError).message}`
      }
      return 'sent'
    }
    expect(await refusal(1)).toMatch(/^refused: .*pid 1/)
    expect(await refusal(process.pid)).toMatch(/^refused: .*ProcLab itself/)
    expect(await refusal(process.ppid)).toMatch(/^refused: .*ProcLab runs under it/)
    expect(await refusal(root.pid, { protectedPids: new Set([root.pid]) })).toMatch(/^refused: .*ProcLab itself/)
    expect(await refusal(2 ** 31 - 2)).toMatch(/^not-found: no process/)
    await sleep(100)
    expect([root.pid, ...descendants].filter(running)).toHaveLength(6)
  })

  it('a protected process inside the tree is refused and its own subtree is left alone', async () => {
    const { root, descendants } = await startTree()
    // The inner sh (the one with children) plays the part of ProcLab's host inside the tree.
    const parents = readProcParents()
    const inner = descendants.find((pid) => [...parents.values()].includes(pid) && descendants.some((d) => parents.get(d) === pid))!
    const innerKids = descendants.filter((d) => parents.get(d) === inner)
    const outcomes = await createMonitor().signalTree(root.pid, 'SIGKILL', { protectedPids: new Set([inner]) })
    expect(outcomes.find((o) => o.pid === inner)).toMatchObject({ ok: false, code: 'refused' })
    expect(outcomes.some((o) => innerKids.includes(o.pid))).toBe(false)
    await expect.poll(() => descendants.filter(running).sort(), { timeout: 10_000 }).toEqual([inner, ...innerKids].sort())
  })
})

describe('kill whole tree in a simulated table', () => {
  it('a simulated process table (PROCLAB_PROC_ROOT) refuses every signal and sends none', async () => {
    const dir = writeFakeProc({ count: 200 })
    try {
      const monitor = createMonitor({ procRoot: dir })
      expect(monitor.simulatedRoot).toBe(dir)
      const rows = await monitor.list(new Set())
      expect(rows).toHaveLength(200)
      expect(rows.find((r) => r.pid === 9)).toMatchObject({ ppid: 1 })
      // Our own child's pid, as if the table listed it: still refused, and it lives on.
      const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
      children.push(child)
      expect(() => monitor.sendSignal(child.pid!, 'SIGKILL', guard)).toThrow(/simulated process table/)
      await expect(monitor.signalTree(child.pid!, 'SIGKILL', guard)).rejects.toThrow(/simulated process table/)
      await sleep(100)
      expect(child.exitCode).toBeNull()
      expect(child.signalCode).toBeNull()
    } finally {
      removeFakeProc(dir)
    }
  })
})
