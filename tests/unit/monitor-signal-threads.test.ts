// A thread's id is a number kill(2) takes, and it signals the thread's whole process. The guard must
// judge that process: threads of the host, of a protected process and of pid 1 are refused and
// nothing is sent; a thread of an ordinary process is refused too, naming the process to signal.
// All on the real /proc, through the host as a UI reaches it.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { readdirSync, readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import type { Response, SignalName } from '../../src-shared/contract'
import { createMonitor, MonitorError } from '../../src-main/monitor'
import { withHost } from '../helpers/lab'

const children: ChildProcess[] = []

afterEach(async () => {
  await Promise.all(
    children.splice(0).map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = once(child, 'exit')
      child.kill('SIGKILL')
      await exited
    }),
  )
})

/** The ids of a process's threads other than its main one (whose id is the pid). */
function otherThreads(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`)
    .map(Number)
    .filter((tid) => tid !== pid)
}

/** The state letter of /proc/<pid>/stat: R, S, D, T (stopped), Z, ... */
function stateLetter(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
}

/**
 * A Node process (several threads of its own: V8's platform workers, libuv's pool) that reports
 * every SIGCONT and SIGTERM it gets, so a signal that slips through is seen, not guessed.
 */
async function threadedChild(): Promise<{ child: ChildProcess & { pid: number }; received: string[]; threads: number[] }> {
  const script = `
    for (const s of ['SIGCONT', 'SIGTERM', 'SIGHUP', 'SIGINT']) process.on(s, () => console.log('got ' + s))
    console.log('ready')
    setInterval(() => {}, 1000)`
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  children.push(child)
  const received: string[] = []
  let ready!: () => void
  const started = new Promise<void>((resolve) => (ready = resolve))
  child.stdout!.setEncoding('utf8')
  child.stdout!.on('data', (chunk: string) => {
    for (const line of chunk.split('\n').filter(Boolean)) {
      if (line === 'ready') ready()
      else received.push(line)
    }
  })
  await started
  const threads = otherThreads(child.pid!)
  expect(threads.length).toBeGreaterThan(0)
  return { child: child as ChildProcess & { pid: number }, received, threads }
}

function refusal(response: Response): string {
  expect(response.ok, JSON.stringify(response)).toBe(false)
  return response.ok ? '' : `${response.error.code}: ${response.error.message}`
}

/** Long enough for a signal that was sent to have been handled and printed by the child. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 200))

describe.runIf(process.platform === 'linux')('the signal guard judges the thread group', () => {
  it("refuses a thread of the host itself, of its parent and of pid 1, one by one and as a tree, and sends nothing", async () => {
    // A signal that reached this process would show here (SIGCONT: harmless if the guard failed).
    const got: string[] = []
    const onCont = () => got.push('SIGCONT')
    process.on('SIGCONT', onCont)
    try {
      await withHost({}, async (host) => {
        const own = otherThreads(process.pid)
        expect(own.length).toBeGreaterThan(0)
        let id = 0
        for (const tid of own) {
          for (const tree of [false, true]) {
            const answer = refusal(await host.handle({ id: ++id, cmd: 'process.signal', args: { pid: tid, signal: 'SIGCONT', tree } }))
            expect(answer).toBe(`refused: refusing to signal pid ${tid}: it is a thread of process ${process.pid}, and a signal to a thread reaches its whole process (process ${process.pid}: it is part of ProcLab itself)`)
          }
        }
        // The process this one runs under (vitest's main process, a Node with threads of its own).
        expect(otherThreads(process.ppid).length).toBeGreaterThan(0)
        for (const tid of otherThreads(process.ppid)) {
          const answer = refusal(await host.handle({ id: ++id, cmd: 'process.signal', args: { pid: tid, signal: 'SIGCONT' } }))
          expect(answer).toMatch(new RegExp(`^refused: refusing to signal pid ${tid}: it is a thread of process ${process.ppid}, .*\\(process ${process.ppid}: ProcLab runs under it, so it would end ProcLab too\\)$`))
        }
        const initThreads = otherThreads(1)
        for (const tid of initThreads) {
          for (const tree of [false, true]) {
            const answer = refusal(await host.handle({ id: ++id, cmd: 'process.signal', args: { pid: tid, signal: 'SIGCONT', tree } }))
            expect(answer).toMatch(new RegExp(`^refused: refusing to signal pid ${tid}: it is a thread of process 1, .*\\(process 1: it is the system init process\\)$`))
          }
        }
        await settle()
        expect(got).toEqual([])
        expect(stateLetter(process.pid)).not.toBe('T')
        expect(stateLetter(1)).not.toBe('T')
      })
    } finally {
      process.off('SIGCONT', onCont)
    }
  })

  it('refuses every signal to a thread of a protected process; the process runs on untouched', async () => {
    const { child, received, threads } = await threadedChild()
    await withHost({ protectedPids: [child.pid] }, async (host) => {
      let id = 0
      const signals: SignalName[] = ['SIGSTOP', 'SIGTERM', 'SIGHUP', 'SIGINT', 'SIGCONT', 'SIGKILL']
      for (const tid of threads) {
        for (const signal of signals) {
          for (const tree of [false, true]) {
            const answer = refusal(await host.handle({ id: ++id, cmd: 'process.signal', args: { pid: tid, signal, tree } }))
            expect(answer).toMatch(new RegExp(`^refused: refusing to signal pid ${tid}: it is a thread of process ${child.pid}, .*\\(process ${child.pid}: it is part of ProcLab itself\\)$`))
          }
        }
      }
      // Its main thread is the process: refused as before.
      expect(refusal(await host.handle({ id: ++id, cmd: 'process.signal', args: { pid: child.pid, signal: 'SIGSTOP' } }))).toMatch(/ProcLab itself/)
    })
    await settle()
    expect(received).toEqual([])
    expect(stateLetter(child.pid)).toMatch(/^[RS]$/)
    expect(child.exitCode).toBeNull()
  })

  it('refuses a thread of an ordinary process, naming the process to signal instead, which still can be', async () => {
    const { child, received, threads } = await threadedChild()
    const monitor = createMonitor()
    const guard = { protectedPids: new Set<number>() }
    const tid = threads[0]!
    const expected = `refusing to signal pid ${tid}: it is a thread of process ${child.pid}, and a signal to a thread reaches its whole process; signal process ${child.pid} itself if that is what you mean`
    expect(() => monitor.sendSignal(tid, 'SIGSTOP', guard)).toThrow(new MonitorError('refused', expected))
    await expect(monitor.signalTree(tid, 'SIGSTOP', guard)).rejects.toThrow(expected)
    await settle()
    expect(stateLetter(child.pid)).toMatch(/^[RS]$/)

    monitor.sendSignal(child.pid, 'SIGCONT', guard)
    await expect.poll(() => received).toEqual(['got SIGCONT'])
    const exited = once(child, 'exit')
    await monitor.signalTree(child.pid, 'SIGKILL', guard)
    expect((await exited)[1]).toBe('SIGKILL')
  })
})
