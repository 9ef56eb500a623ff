// Process lifecycle, as Python's multiprocessing defines it, on real OS processes.
import { describe, expect, it } from 'vitest'
import { osParentPid, runLab, runSource } from '../helpers/lab'
import { results } from '../helpers/results'


describe('exit codes', () => {
  it('reports 0, 1 for an uncaught error, the code given to process.exit, -15 and -9', async () => {
    const run = await runSource(`
      import { Process, sleep } from 'proclab'
      export async function fine() {}
      export async function fails() { throw new Error('boom in the child') }
      export async function exits(code) { process.exit(code) }
      export async function sleeps() { await sleep(60_000) }
      export default async function main() {
        const procs = {
          fine: new Process({ target: fine }),
          fails: new Process({ target: fails }),
          exits: new Process({ target: exits, args: [7] }),
          terminated: new Process({ target: sleeps }),
          killed: new Process({ target: sleeps }),
        }
        for (const p of Object.values(procs)) await p.start()
        procs.terminated.terminate()
        procs.killed.kill()
        for (const p of Object.values(procs)) await p.join()
        console.log('RESULT ' + JSON.stringify(Object.fromEntries(Object.entries(procs).map(([k, p]) => [k, p.exitCode]))))
      }
    `)
    expect(run.end.ok).toBe(true)
    expect(results(run.lines('MainProcess'))).toEqual({ fine: 0, fails: 1, exits: 7, terminated: -15, killed: -9 })
    // The host saw the same codes through its own channel.
    expect(run.exitCode('Process-1')).toBe(0)
    expect(run.exitCode('Process-2')).toBe(1)
    expect(run.exitCode('Process-3')).toBe(7)
    expect(run.exitCode('Process-4')).toBe(-15)
    expect(run.exits.get('Process-4')?.signal).toBe('SIGTERM')
    expect(run.exitCode('Process-5')).toBe(-9)
    // The child's error went to its stderr, with the message.
    expect(run.lines('Process-2').join('\n')).toContain('boom in the child')
  })
})

describe('join', () => {
  it('returns after the timeout with the child still running, and at once for 0', async () => {
    const run = await runSource(`
      import { Process, sleep } from 'proclab'
      export async function nap() { await sleep(1500) }
      export default async function main() {
        const p = new Process({ target: nap })
        await p.start()
        const t0 = performance.now(); await p.join(0); const zero = performance.now() - t0
        const t1 = performance.now(); await p.join(200); const short = performance.now() - t1
        const aliveAfterTimeout = p.isAlive(), codeAfterTimeout = p.exitCode
        await p.join()
        console.log('RESULT ' + JSON.stringify({ zero, short, aliveAfterTimeout, codeAfterTimeout, final: p.exitCode, aliveAtEnd: p.isAlive() }))
      }
    `)
    const r = results(run.lines('MainProcess'))
    expect(r.zero).toBeLessThan(50)
    expect(r.short).toBeGreaterThanOrEqual(190)
    expect(r.short).toBeLessThan(1200)
    expect(r).toMatchObject({ aliveAfterTimeout: true, codeAfterTimeout: null, final: 0, aliveAtEnd: false })
  })

  it('overlaps when all start before any join (join scenario) and runs one after another when joined one by one', async () => {
    for (const scenario of ['join', 'join-serial']) {
      const run = await runLab({ scenario })
      expect(run.end.ok).toBe(true)
      // Lifetimes from the host's events: [start, exit] of each of the three children.
      const spans = ['Process-1', 'Process-2', 'Process-3'].map((name) => {
        const start = run.start(name).t
        const exit = run.exits.get(name)?.t
        expect(run.exitCode(name)).toBe(0)
        return [start, exit!] as const
      })
      const overlapping = spans[2]![0] < spans[0]![1] && spans[1]![0] < spans[0]![1]
      if (scenario === 'join') expect(overlapping).toBe(true)
      else for (let i = 1; i < 3; i++) expect(spans[i]![0]).toBeGreaterThan(spans[i - 1]![1] - 50_000)
      // Each child sleeps its seconds: the lifetimes say so too.
      spans.forEach(([start, exit], i) => expect(exit - start).toBeGreaterThanOrEqual((i + 1) * 1e6))
    }
  })
})

describe('who is who', () => {
  it('names children Process-N and Process-N:M, and reports pids and parents as the OS does', async () => {
    const run = await runSource(`
      import { Process, currentProcess, parentProcess, activeChildren, sleep } from 'proclab'
      export async function grandchild() {
        console.log('RESULT ' + JSON.stringify({ grandchild: { name: currentProcess().name, pid: process.pid, parent: parentProcess().name, parentPid: parentProcess().pid } }))
        await sleep(300)
      }
      export async function child() {
        const g = new Process({ target: grandchild })
        await g.start()
        console.log('RESULT ' + JSON.stringify({ child: { name: currentProcess().name, pid: process.pid, grandPid: g.pid, active: activeChildren().map((c) => c.name), parentName: parentProcess().name } }))
        await g.join()
      }
      export default async function main() {
        const a = new Process({ target: child })
        const b = new Process({ target: child, name: '任务1' })
        await a.start(); await b.start()
        console.log('RESULT ' + JSON.stringify({ main: { name: currentProcess().name, parent: parentProcess(), active: activeChildren().map((c) => c.name), pids: [a.pid, b.pid] } }))
        await a.join(); await b.join()
        console.log('RESULT ' + JSON.stringify({ after: activeChildren().length }))
      }
    `)
    expect(run.end.ok).toBe(true)
    const main = results(run.lines('MainProcess')) as { main: { name: string; parent: null; active: string[]; pids: number[] }; after: number }
    expect(main.main).toMatchObject({ name: 'MainProcess', parent: null, active: ['Process-1', '任务1'] })
    expect(main.after).toBe(0)
    const child = results(run.lines('Process-1')) as { child: { name: string; pid: number; grandPid: number; active: string[]; parentName: string } }
    expect(child.child).toMatchObject({ name: 'Process-1', active: ['Process-1:1'], parentName: 'MainProcess' })
    const named = results(run.lines('任务1')) as { child: { active: string[] } }
    expect(named.child.active).toEqual(['Process-2:1'])
    const grandchild = results(run.lines('Process-1:1')) as { grandchild: { name: string; pid: number; parent: string; parentPid: number } }
    expect(grandchild.grandchild).toMatchObject({ name: 'Process-1:1', parent: 'Process-1', parentPid: child.child.pid })
    // Real grandchildren: the host's events carry the OS's parent pid.
    expect(run.start('Process-1:1').ppid).toBe(child.child.pid)
    expect(run.start('Process-1:1').pid).toBe(child.child.grandPid)
    expect(run.start('Process-1').ppid).toBe(run.start('MainProcess').pid)
  })

  it('checks the parent pid with the OS while the grandchild runs', async () => {
    let seen: { grandPid: number; childPid: number; osPpid: number | null } | null = null
    await runSource(
      `
      import { Process, sleep } from 'proclab'
      export async function grandchild() { await sleep(1500) }
      export async function child() { const g = new Process({ target: grandchild }); await g.start(); await g.join() }
      export default async function main() { const p = new Process({ target: child }); await p.start(); await p.join() }
    `,
      {
        during: async (_host, events) => {
          const deadline = Date.now() + 5000
          while (Date.now() < deadline && !events.some((e) => e.kind === 'process.start' && e.name === 'Process-1:1')) await new Promise((r) => setTimeout(r, 20))
          const grand = events.find((e) => e.kind === 'process.start' && e.name === 'Process-1:1')
          const child = events.find((e) => e.kind === 'process.start' && e.name === 'Process-1')
          if (grand?.kind === 'process.start' && child?.kind === 'process.start') seen = { grandPid: grand.pid, childPid: child.pid, osPpid: osParentPid(grand.pid) }
        },
      },
    )
    expect(seen).not.toBeNull()
    expect(seen!.osPpid).toBe(seen!.childPid)
  })
})

describe('the subclass form and module targets', () => {
  it('rebuilds a Process subclass in the child with its fields, and runs { module, export } targets', async () => {
    const run = await runSource(`
      import { Process, currentProcess } from 'proclab'
      export class Counter extends Process {
        constructor(start, label) { super(); this.start_ = start; this.label = label; this.name = 'counter-' + label }
        async run() {
          console.log('RESULT ' + JSON.stringify({ sub: { start: this.start_, label: this.label, name: this.name, same: currentProcess() === this, isCounter: this instanceof Counter } }))
        }
      }
      export default async function main() {
        const c = new Counter(41, '小黑')
        await c.start(); await c.join()
        const m = new Process({ target: { module: './helper.mjs', export: 'hello' }, args: ['from module'] })
        await m.start(); await m.join()
        console.log('RESULT ' + JSON.stringify({ codes: [c.exitCode, m.exitCode] }))
      }
    `, { files: { 'helper.mjs': "export function hello(text) { console.log('hello ' + text) }" } })
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    expect(results(run.lines('counter-小黑'))).toEqual({ sub: { start: 41, label: '小黑', name: 'counter-小黑', same: true, isCounter: true } })
    expect(run.lines('Process-2')).toEqual(['hello from module'])
    expect(results(run.lines('MainProcess'))).toEqual({ codes: [0, 0] })
  })
})

describe('daemons', () => {
  it('terminates daemonic children when the parent returns, joins the others, and forbids a daemon children', async () => {
    const run = await runSource(`
      import { Process, sleep } from 'proclab'
      export async function forever() { await sleep(60_000) }
      export async function brief() { await sleep(600); console.log('normal child done') }
      export async function tryChild() {
        try { new Process({ target: brief }).start() } catch (e) { console.log('RESULT ' + JSON.stringify({ daemonChild: e.name + ': ' + e.message })) }
      }
      export default async function main() {
        await new Process({ target: forever, daemon: true, name: 'd' }).start()
        await new Process({ target: brief, name: 'n' }).start()
        const d2 = new Process({ target: tryChild, daemon: true, name: 'd2' }); await d2.start(); await d2.join()
      }
    `)
    expect(run.end.ok).toBe(true)
    expect(run.exitCode('d')).toBe(-15)
    expect(run.exitCode('n')).toBe(0)
    expect(run.lines('n')).toContain('normal child done')
    expect(results(run.lines('d2'))).toEqual({ daemonChild: 'ProcessError: daemonic processes are not allowed to have children' })
  })
})

describe('start-up', () => {
  // Node ≥ 22.1 can keep compiled modules on disk; a lab process turns that on before it loads the
  // runtime (runtime/entry.ts), so it holds in the main and in every child. Node 20 has no cache.
  it('every lab process has V8’s compile cache on where Node has one', async () => {
    const run = await runSource(`
      import module from 'node:module'
      import { Process, Queue } from 'proclab'
      const cacheDir = () => (typeof module.getCompileCacheDir === 'function' ? module.getCompileCacheDir() ?? 'off' : 'none')
      export async function child(q) { await q.put(cacheDir()) }
      export default async function main() {
        const q = new Queue()
        const p = new Process({ target: child, args: [q] })
        await p.start()
        const fromChild = await q.get()
        await p.join()
        console.log('RESULT ' + JSON.stringify({ main: cacheDir(), child: fromChild }))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const r = results(run.lines('MainProcess')) as { main: string; child: string }
    const nodeHasCache = 'enableCompileCache' in (await import('node:module')).default
    if (nodeHasCache) {
      expect(r.main).not.toMatch(/^(off|none)$/)
      expect(r.child).toBe(r.main)
    } else {
      expect(r).toEqual({ main: 'none', child: 'none' })
    }
  })
})
