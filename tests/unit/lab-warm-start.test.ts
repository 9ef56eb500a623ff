// The warm start method: a spare lab runtime per process, forked ahead of need, handed the target
// at start(). Checked with the OS: the spare is a real child of its owner, it becomes the started
// process (same pid), it is never shown, and none outlives its owner or the run.
import { describe, expect, it } from 'vitest'
import { pidAlive, runSource } from '../helpers/lab'
import { linuxOnly } from '../helpers/platform'
import { results } from '../helpers/results'

// The script's own view of its OS children (ProcLab shows no spare, so the OS is asked): Linux /proc.
const OS_CHILDREN = `
  import { readdirSync, readFileSync } from 'node:fs'
  export function osChildren(pid = process.pid) {
    const found = []
    for (const entry of readdirSync('/proc')) {
      if (!/^\\d+$/.test(entry)) continue
      try {
        const stat = readFileSync('/proc/' + entry + '/stat', 'utf8')
        const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        if (Number(ppid) === pid && state !== 'Z') found.push(Number(entry))
      } catch {}
    }
    return found
  }
  export async function until(what, condition) {
    for (let i = 0; i < 1200; i++) { const value = condition(); if (value) return value; await new Promise((r) => setTimeout(r, 25)) }
    throw new Error('never happened: ' + what)
  }
`

const finds = linuxOnly('the script finds the unused spare among its children in /proc')

function spareLines(lines: string[]): number[] {
  return lines.flatMap((line) => (line.startsWith('SPARE ') ? [Number(line.slice(6))] : []))
}

describe("start method 'warm'", () => {
  it('N sequential starts: each is the spare forked before it, with true pids and parents, names, args and exit codes; the spare is never shown', finds, async () => {
    const run = await runSource(`
      import { Process, setStartMethod, getStartMethod, activeChildren, currentProcess, parentProcess } from 'proclab'
      ${OS_CHILDREN}
      export function work(i, extra) {
        console.log('RESULT ' + JSON.stringify({ ['child' + i]: { pid: process.pid, ppid: process.ppid, parent: parentProcess().pid, name: currentProcess().name, extra } }))
        process.exitCode = 10 + i
      }
      export class Counter extends Process {
        async run() { console.log('RESULT ' + JSON.stringify({ subclass: { pid: process.pid, ppid: process.ppid, count: this.count } })) }
      }
      export default async function main() {
        setStartMethod('warm')
        const seen = []
        for (let i = 0; i < 4; i++) {
          // The spare is already there, a child of this process, before start() is called.
          const [spare] = await until('a spare', () => { const c = osChildren(); return c.length === 1 ? c : null })
          console.log('SPARE ' + spare)
          const p = i === 3 ? Object.assign(new Counter(), { count: 42 }) : new Process({ target: work, args: [i, { n: i }], name: 'W' + i })
          await p.start()
          const active = activeChildren().length
          await p.join()
          seen.push({ spare, pid: p.pid, active, exitCode: p.exitCode })
        }
        const [left] = await until('the next spare', () => { const c = osChildren(); return c.length === 1 ? c : null })
        console.log('RESULT ' + JSON.stringify({ main: process.pid, method: getStartMethod(), seen, left }))
      }
    `)
    expect(run.end.ok).toBe(true)
    const main = run.lines('MainProcess')
    const result = results([...main, ...run.starts.flatMap((s) => (s.name === 'MainProcess' ? [] : run.lines(s.name)))]) as {
      main: number
      method: string
      left: number
      seen: Array<{ spare: number; pid: number; active: number; exitCode: number }>
      subclass: unknown
      [child: string]: unknown
    }
    expect(result.method).toBe('warm')
    // Each start was handed the spare that was waiting, and activeChildren() counted only it.
    for (const [i, step] of result.seen.entries()) {
      expect(step.pid, `start ${i}`).toBe(step.spare)
      // At most the child itself (it may have ended already on a busy machine): never the spare too.
      expect(step.active, `start ${i}`).toBeLessThanOrEqual(1)
      expect(step.exitCode, `start ${i}`).toBe(i === 3 ? 0 : 10 + i)
    }
    const spares = spareLines(main)
    expect(new Set(spares).size).toBe(4)
    for (let i = 0; i < 3; i++) {
      expect(result[`child${i}`]).toEqual({ pid: spares[i], ppid: result.main, parent: result.main, name: `W${i}`, extra: { n: i } })
      expect(run.start(`W${i}`)).toMatchObject({ pid: spares[i], ppid: result.main })
      expect(run.exitCode(`W${i}`)).toBe(10 + i)
    }
    expect(result.subclass).toEqual({ pid: spares[3], ppid: result.main, count: 42 })
    // Shown: the main and the 4 it started, nothing else (the spare left when main ended was not).
    expect(run.starts.map((s) => s.name)).toEqual(['MainProcess', 'W0', 'W1', 'W2', 'Process-4'])
    expect(run.events.filter((e) => e.kind === 'process.exit')).toHaveLength(5)
    expect(run.events.filter((e) => e.kind === 'lab.error')).toEqual([])
    // The spare forked after the last start was never used: never shown, and it did not outlive the run.
    expect(spares).not.toContain(result.left)
    expect(run.events.some((e) => 'pid' in e && e.pid === result.left)).toBe(false)
    expect(pidAlive(result.left)).toBe(false)
  })

  it('per process: startMethod "warm" on one Process while the default stays spawn', async () => {
    const run = await runSource(`
      import { Process, getStartMethod, getAllStartMethods } from 'proclab'
      export function hello(x) { console.log('RESULT ' + JSON.stringify({ ['got' + x]: process.ppid })) }
      export default async function main() {
        const warm = new Process({ target: hello, args: [1], startMethod: 'warm' })
        await warm.start(); await warm.join()
        const cold = new Process({ target: hello, args: [2] })
        await cold.start(); await cold.join()
        let bad = null
        try { new Process({ target: hello, startMethod: 'fork' }) } catch (error) { bad = error.name }
        console.log('RESULT ' + JSON.stringify({ main: process.pid, method: getStartMethod(), all: getAllStartMethods(), bad, codes: [warm.exitCode, cold.exitCode], pids: [warm.pid, cold.pid] }))
      }
    `)
    expect(run.end.ok).toBe(true)
    const result = results([...run.lines('MainProcess'), ...run.lines('Process-1'), ...run.lines('Process-2')]) as { main: number; pids: [number, number] }
    expect(result).toMatchObject({ method: 'spawn', all: ['spawn', 'warm'], bad: 'TypeError', codes: [0, 0], got1: result.main, got2: result.main })
    expect(run.starts.map((s) => [s.name, s.pid, s.ppid])).toEqual([
      ['MainProcess', result.main, expect.any(Number)],
      ['Process-1', result.pids[0], result.main],
      ['Process-2', result.pids[1], result.main],
    ])
  })

  it('starts issued in the same tick each get a process of their own (one takes the spare, the others start cold)', async () => {
    const run = await runSource(`
      import { Process, setStartMethod } from 'proclab'
      export function hello(i) { process.exitCode = 20 + i }
      setStartMethod('warm')
      export default async function main() {
        const procs = [0, 1, 2].map((i) => new Process({ target: hello, args: [i] }))
        const started = procs.map((p) => p.start())
        await Promise.all(started)
        for (const p of procs) await p.join()
        console.log('RESULT ' + JSON.stringify({ codes: procs.map((p) => p.exitCode), pids: procs.map((p) => p.pid) }))
      }
    `)
    expect(run.end.ok).toBe(true)
    const result = results(run.lines('MainProcess')) as { codes: number[]; pids: number[] }
    expect(result.codes).toEqual([20, 21, 22])
    expect(new Set(result.pids).size).toBe(3)
    // In the order the host heard of them, which concurrent starts do not fix.
    const shown = run.starts.filter((s) => s.name !== 'MainProcess').map((s) => [s.name, s.pid])
    expect(shown.sort()).toEqual(result.pids.map((pid, i) => [`Process-${i + 1}`, pid]))
    expect(run.events.filter((e) => e.kind === 'lab.error')).toEqual([])
  })

  it('a TypeScript script outside ProcLab: the spare prepares its loader before it is handed the target', async () => {
    const run = await runSource(
      `
      import { Process, setStartMethod } from 'proclab'
      setStartMethod('warm')
      export function typed(n: number): void { console.log('RESULT ' + JSON.stringify({ ['n' + n]: process.ppid })) }
      export default async function main(): Promise<void> {
        for (const n of [1, 2]) { const p = new Process({ target: typed, args: [n] }); await p.start(); await p.join() }
        console.log('RESULT ' + JSON.stringify({ main: process.pid }))
      }
    `,
      {},
      'lab.ts',
    )
    expect(run.end.ok).toBe(true)
    const result = results([...run.lines('MainProcess'), ...run.lines('Process-1'), ...run.lines('Process-2')]) as Record<string, number>
    expect(result).toEqual({ main: result.main, n1: result.main, n2: result.main })
  })

  it("the default start method forks no spare: 'spawn' as before, and setStartMethod is once per process", finds, async () => {
    const run = await runSource(`
      import { Process, setStartMethod, getStartMethod, sleep } from 'proclab'
      ${OS_CHILDREN}
      export async function nap() { await sleep(500) }
      export default async function main() {
        const p = new Process({ target: nap })
        await p.start()
        await sleep(300)
        const children = osChildren()
        await p.join()
        setStartMethod('spawn')
        let again = null
        try { setStartMethod('warm') } catch (error) { again = error.name }
        setStartMethod('warm', true)
        const method = getStartMethod()
        setStartMethod('spawn', true)
        console.log('RESULT ' + JSON.stringify({ children, pid: p.pid, again, method, after: osChildren() }))
      }
    `)
    expect(run.end.ok).toBe(true)
    const result = results(run.lines('MainProcess')) as { children: number[]; pid: number; again: string; method: string; after: number[] }
    expect(result.children).toEqual([result.pid])
    expect(result.again).toBe('ProcessError')
    expect(result.method).toBe('warm')
    // Back to 'spawn': the spare the main forked for 'warm' was dropped (killed, never shown).
    expect(result.after).toEqual([])
    expect(run.starts.map((s) => s.name)).toEqual(['MainProcess', 'Process-1'])
  })

  it('an owner killed with SIGKILL takes its unused spare with it; no spare outlives the run', finds, async () => {
    const run = await runSource(`
      import { Process, Queue, setStartMethod, sleep } from 'proclab'
      ${OS_CHILDREN}
      export function quick() {}
      export async function owner(told) {
        // A child that starts children keeps a spare too (forked at its first start).
        const g = new Process({ target: quick, startMethod: 'warm' })
        await g.start(); await g.join()
        const [spare] = await until('the owner\\'s spare', () => { const c = osChildren(); return c.length === 1 ? c : null })
        await told.put(spare)
        await sleep(120_000)
      }
      export default async function main() {
        setStartMethod('warm')
        const told = new Queue()
        const p = new Process({ target: owner, args: [told] })
        await p.start()
        const mainSpare = await until('the main\\'s next spare', () => { const c = osChildren().filter((pid) => pid !== p.pid); return c.length === 1 ? c[0] : null })
        console.log('SPARE ' + mainSpare)
        // The owner's spare (a grandchild), forked after its start of Process-1:1; checked with the OS.
        const ownerSpare = await told.get()
        if (!osChildren(p.pid).includes(ownerSpare)) throw new Error('the spare ' + ownerSpare + ' is not a child of its owner')
        p.kill()
        await p.join()
        // With its owner gone, the broker ends it: while this run still goes.
        await until('the orphaned spare to end', () => !alive(ownerSpare))
        console.log('RESULT ' + JSON.stringify({ ownerSpare, mainSpare, ownerExit: p.exitCode }))
      }
      function alive(pid) {
        try { const s = readFileSync('/proc/' + pid + '/stat', 'utf8'); return s.slice(s.lastIndexOf(')') + 2)[0] !== 'Z' } catch { return false }
      }
    `)
    expect(run.end.ok, JSON.stringify(run.output.get('MainProcess'))).toBe(true)
    const result = results(run.lines('MainProcess')) as { ownerSpare: number; mainSpare: number; ownerExit: number }
    expect(result.ownerExit).toBe(-9)
    expect(pidAlive(result.ownerSpare)).toBe(false)
    // The main's unused spare ended with the main (its exit hook), unreported.
    expect(pidAlive(result.mainSpare)).toBe(false)
    expect(run.starts.map((s) => s.name)).toEqual(['MainProcess', 'Process-1', 'Process-1:1'])
    expect(run.events.filter((e) => e.kind === 'lab.error').map((e) => (e.kind === 'lab.error' ? e.message : ''))).toEqual([])
  })
})
