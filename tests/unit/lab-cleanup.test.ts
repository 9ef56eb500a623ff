// No lab process outlives its run or its host. Every check asks the OS, not ProcLab's registry.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { LabEvent } from '../../src-shared/events'
import { pidAlive, runLab, runSource, scriptDir, waitUntil } from '../helpers/lab'
import { notOnWindows } from '../helpers/platform'

// A tree with a grandchild, a daemon, and an orphan (its parent exits at once, skipping the joins).
const TREE = `
  import { Process, sleep } from 'proclab'
  export async function sleepy() { await sleep(120_000) }
  export async function parentOfSleepy() { const g = new Process({ target: sleepy }); await g.start(); await g.join() }
  export async function abandon() { const g = new Process({ target: sleepy, name: 'orphan' }); await g.start(); process.exit(0) }
  export default async function main() {
    for (const p of [new Process({ target: parentOfSleepy }), new Process({ target: sleepy, daemon: true }), new Process({ target: abandon })]) await p.start()
    await sleep(__MAIN_MS__)
  }
`

function labPids(events: LabEvent[]): number[] {
  return events.flatMap((e) => (e.kind === 'process.start' ? [e.pid] : []))
}

async function waitForStarts(events: LabEvent[], count: number): Promise<void> {
  await waitUntil(() => events.filter((e) => e.kind === 'process.start').length >= count, 30_000, `${count} lab processes`)
}

describe('no process left behind', () => {
  it('stop ends the whole tree: grandchildren, daemons and orphans, each recorded as ended by the signal', async () => {
    let pids: number[] = []
    const run = await runSource(TREE.replace('__MAIN_MS__', '120_000'), {
      during: async (host, events) => {
        await waitForStarts(events, 6)
        pids = labPids(events)
        // Everyone but Process-3, which exited on purpose to leave its orphan behind, is running.
        const meantToRun = events.flatMap((e) => (e.kind === 'process.start' && e.name !== 'Process-3' ? [e.pid] : []))
        await waitUntil(() => meantToRun.every(pidAlive), 5000, 'the tree to be running')
        // ...and its exit has been reported (on a slow machine the stop could otherwise end its parent first).
        const abandoner = events.find((e) => e.kind === 'process.start' && e.name === 'Process-3')
        const abandonerLid = abandoner?.kind === 'process.start' ? abandoner.lid : null
        await waitUntil(() => events.some((e) => e.kind === 'process.exit' && e.lid === abandonerLid), 10_000, "Process-3's exit")
        expect(await host.call('run.stop', {})).toEqual({ stopped: true })
      },
    })
    expect(run.end).toMatchObject({ ok: false, error: null, stopped: true })
    expect(pids).toHaveLength(6)
    for (const pid of pids) expect(pidAlive(pid), `pid ${pid}`).toBe(false)
    // One rule everywhere: what ProcLab ended shows the signal that ended it, also where the parent
    // died with its child and no one was left to report (the orphan, the grandchild).
    const exits = run.starts.map((s) => [s.name, run.exits.get(s.name)?.exitCode, run.exits.get(s.name)?.signal])
    expect(exits).toEqual(run.starts.map((s) => (s.name === 'Process-3' ? [s.name, 0, null] : [s.name, -15, 'SIGTERM'])))
  })

  it('ends orphans that are still running when the lab main returns', async () => {
    const run = await runSource(TREE.replace('__MAIN_MS__', '1500').replace('parentOfSleepy }),', 'parentOfSleepy, daemon: true }),'))
    const orphan = run.start('orphan').pid
    expect(run.end.ok).toBe(true)
    expect(pidAlive(orphan)).toBe(false)
    for (const pid of labPids(run.events)) expect(pidAlive(pid), `pid ${pid}`).toBe(false)
  })

  // Node's kill() ends a Windows process with TerminateProcess whatever the signal: the host has nothing to catch.
  const catchable = notOnWindows('no signal reaches the host: kill() is TerminateProcess, the SIGKILL test again')
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGKILL'] as const) {
    it(`ends every lab process when the host gets ${signal}`, signal === 'SIGKILL' ? {} : catchable, async () => {
      const scripts = scriptDir()
      const script = scripts.write(
        'tree.mjs',
        TREE.replace('__MAIN_MS__', '120_000').replace("await sleep(120_000)\n  }", "console.log('READY'); await sleep(120_000)\n  }"),
      )
      const cli = spawn(process.execPath, [join(process.cwd(), 'bin', 'proclab.js'), 'run', script], { stdio: ['ignore', 'pipe', 'pipe'] })
      let output = ''
      cli.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
      try {
        await waitUntil(() => output.includes('READY') && (output.match(/▶/g) ?? []).length >= 6, 30_000, "the tree to start")
        const started = [...output.matchAll(/▶ (\S+) \(pid (\d+)\) started/g)].map((m) => ({ name: m[1], pid: Number(m[2]) }))
        const pids = started.map((s) => s.pid)
        expect(pids).toHaveLength(6)
        // Everyone but Process-3, which exits at once to leave its orphan behind, is running.
        const meantToRun = started.filter((s) => s.name !== 'Process-3')
        expect(meantToRun.every((s) => pidAlive(s.pid))).toBe(true)
        const exited = new Promise<number | null>((resolve) => cli.once('exit', (code, sig) => resolve(code ?? (sig ? -1 : null))))
        cli.kill(signal)
        const code = await exited
        if (signal !== 'SIGKILL') expect(code).toBe(128 + (signal === 'SIGTERM' ? 15 : 2))
        await waitUntil(() => !pids.some(pidAlive), 5000, 'every lab process to end')
      } finally {
        cli.kill('SIGKILL')
        scripts.cleanup()
      }
    })
  }
})

describe('the process cap', () => {
  it('turns a runaway spawn loop into a clear error and never exceeds the cap', async () => {
    const run = await runSource(
      `
      import { Process, sleep } from 'proclab'
      export async function hold() { await sleep(2000) }
      export default async function main() {
        const started = []
        for (let i = 0; i < 20; i++) {
          const p = new Process({ target: hold })
          try { await p.start(); started.push(p) } catch (e) { console.log('REFUSED ' + e.name + ': ' + e.message); break }
        }
        console.log('STARTED ' + started.length)
        for (const p of started) p.terminate()
      }
    `,
      { maxProcesses: 5 },
    )
    expect(run.end.ok).toBe(true)
    const main = run.lines('MainProcess')
    // The lab main counts: 4 children + main = 5.
    expect(main).toContain('STARTED 4')
    expect(main.find((l) => l.startsWith('REFUSED'))).toMatch(/^REFUSED ProcessError: too many lab processes: 5 are alive and the limit is 5/)
    expect(run.events.some((e) => e.kind === 'lab.error' && e.message.includes('too many lab processes'))).toBe(true)
    expect(run.starts).toHaveLength(5)
  })
})

describe('user actions through the host', () => {
  // On Windows the host ends the pid with TerminateProcess and the exit code that names SIGTERM, which its parent reads as -15.
  it('kills a lab process by pid (-15) and joins another, as the UI does', async () => {
    const run = await runLab(
      { scenario: 'long-sleeper' },
      {
        during: async (host, events) => {
          await waitForStarts(events, 2)
          const sleeper = events.find((e) => e.kind === 'process.start' && e.name === 'sleeper')
          if (sleeper?.kind !== 'process.start') throw new Error('no sleeper')
          const joined = host.call('process.join', { pid: sleeper.pid })
          const timedOut = await host.call('process.join', { pid: sleeper.pid, timeoutMs: 50 })
          expect(timedOut).toEqual({ pid: sleeper.pid, exitCode: null, timedOut: true })
          expect(await host.call('process.signal', { pid: sleeper.pid, signal: 'SIGTERM' })).toEqual({ pid: sleeper.pid, signal: 'SIGTERM' })
          expect(await joined).toEqual({ pid: sleeper.pid, exitCode: -15, timedOut: false })
        },
      },
    )
    expect(run.exitCode('sleeper')).toBe(-15)
    expect(run.lines('MainProcess')).toContain('sleeper ended with exit code -15')
    expect(run.events.some((e) => e.kind === 'user.kill' && e.ok && e.signal === 'SIGTERM')).toBe(true)
    expect(run.events.some((e) => e.kind === 'user.join' && e.exitCode === -15)).toBe(true)
  })
})
