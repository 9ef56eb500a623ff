// Nothing a run starts outlives its host, whatever user code is doing: a busy loop or a blocking
// call never notices that the host is gone, so the end must come from outside user code (POSIX:
// the watchdog; Windows: the run's job object). Every check asks the OS, not ProcLab.
import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { LabEvent } from '../../src-shared/events'
import { osParentPid, pidAlive, runSource, scriptDir, waitUntil, withHost } from '../helpers/lab'
import { linuxOnly, notOnWindows, onWindows } from '../helpers/platform'

/** The deadline: within 2 s of the host's SIGTERM or SIGKILL, everything is gone. */
const HOST_DEATH_DEADLINE_MS = 2000

/** A raw OS process that sleeps 100 s, as spawn's arguments: `sleep`, or on Windows (which has none) a Node. */
const SLEEP = onWindows ? `process.execPath, ['-e', 'setTimeout(() => {}, 100_000)']` : `'sleep', ['100']`
/** A blocking call that runs a marked sleeper to its end: a shell that execs sleep, or on Windows spawnSync of a Node. */
const EXEC_SLEEP = onWindows
  ? `spawnSync(process.execPath, ['-e', "console.log('MARK exec-sleep ' + process.pid); setTimeout(() => {}, 100_000)"], { stdio: 'inherit' })`
  : `execSync('echo MARK exec-sleep $$; exec sleep 100', { stdio: 'inherit' })`

// Every way a lab process can be hard to end, each printing a marker with the pid to check.
// Markers are written with a callback, so they have left before the process stops turning its loop.
const TREE = `
import { Process, sleep } from 'proclab'
import { execSync, spawn, spawnSync } from 'node:child_process'
const mark = (text) => new Promise((resolve) => process.stdout.write(text + '\\n', resolve))
export async function busy() { await mark('MARK busy ' + process.pid); for (;;) {} }
export async function waitsOnAtomics() { await mark('MARK atomics ' + process.pid); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0) }
export async function waitsOnExec() { await mark('MARK exec-parent ' + process.pid); ${EXEC_SLEEP} }
export async function sleepy(label) { await mark('MARK ' + label + ' ' + process.pid); await sleep(120_000) }
export async function parentOfSleepy() { const g = new Process({ target: sleepy, args: ['grandchild'] }); await g.start(); await g.join() }
export async function abandon() { const g = new Process({ target: sleepy, args: ['orphan'] }); await g.start(); process.exit(0) }
export async function rawSpawner() {
  const raw = spawn(${SLEEP}, { stdio: 'ignore' })
  const escaped = spawn(${SLEEP}, { stdio: 'ignore', detached: true })
  await mark('MARK raw-of-child ' + raw.pid)
  await mark('MARK escaped ' + escaped.pid)
  await sleep(120_000)
}
export default async function main() {
  for (const target of [busy, waitsOnAtomics, waitsOnExec, parentOfSleepy, abandon, rawSpawner]) await new Process({ target }).start()
  const raw = spawn(${SLEEP}, { stdio: 'ignore' })
  await mark('MARK raw-of-main ' + raw.pid)
  await sleep(120_000)
}
`
const MARKS = ['busy', 'atomics', 'exec-parent', 'exec-sleep', 'grandchild', 'orphan', 'raw-of-child', 'escaped', 'raw-of-main']

const scripts = scriptDir()
afterAll(() => scripts.cleanup())

/** `proclab run <script>` as a user starts it: the host is this child process. */
function startCli(script: string): { cli: ChildProcess; output: () => string } {
  const cli = spawn(process.execPath, [join(process.cwd(), 'bin', 'proclab.js'), 'run', script, '--no-log'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  cli.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  cli.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  return { cli, output: () => output }
}

function marks(output: string): Map<string, number> {
  return new Map([...output.matchAll(/MARK (\S+) (\d+)/g)].map((m) => [m[1]!, Number(m[2])]))
}

function labPidsFromCli(output: string): number[] {
  return [...output.matchAll(/▶ \S+ \(pid (\d+)\) started/g)].map((m) => Number(m[1]))
}

/** The watchdogs the host `parent` runs, as the OS sees them. */
function watchdogsOf(parent: number): number[] {
  return readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry) || osParentPid(Number(entry)) !== parent || !pidAlive(Number(entry))) return []
    try {
      return readFileSync(`/proc/${entry}/cmdline`, 'utf8').startsWith('proclab-watchdog\0') ? [Number(entry)] : []
    } catch {
      return []
    }
  })
}

async function expectAllGone(pids: number[], since: number): Promise<void> {
  const deadline = since + HOST_DEATH_DEADLINE_MS
  while (pids.some(pidAlive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
  const left = pids.filter(pidAlive).map((pid) => `${pid} (${commandLine(pid)})`)
  expect(left, `still running ${Date.now() - since} ms after the host was signalled`).toEqual([])
}

/** For a failure's message: what a pid runs, where /proc tells. */
function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim()
  } catch {
    return '?'
  }
}

// The watchdog is POSIX's guard, a process found through /proc; Windows' guard is the run's job object, no process.
const watchdogTest = linuxOnly('the watchdog is a POSIX process, found through /proc (Windows: a job object)')

describe('nothing outlives its host', () => {
  for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
    // Node's kill() of the host is TerminateProcess on Windows whatever the signal: the SIGKILL test again.
    const options = signal === 'SIGKILL' ? {} : notOnWindows('kill() is TerminateProcess: the SIGKILL test again')
    it(`${signal} of the host ends busy, blocked, sleeping, orphaned and raw OS processes within 2 s`, options, async () => {
      const { cli, output } = startCli(scripts.write(`tree-${signal}.mjs`, TREE))
      try {
        await waitUntil(() => MARKS.every((m) => marks(output()).has(m)), 30_000, `every marker; so far:\n${output()}`)
        const found = marks(output())
        const pids = [...new Set([...labPidsFromCli(output()), ...found.values()])]
        // The orphan's parent has exited on purpose; everything else is running now.
        const running = pids.filter(pidAlive)
        expect(running).toEqual(expect.arrayContaining([...found.values()]))
        expect(running.length).toBeGreaterThanOrEqual(MARKS.length + 3) // + main, rawSpawner, parentOfSleepy
        const exited = new Promise((resolve) => cli.once('exit', resolve))
        const signalledAt = Date.now()
        cli.kill(signal)
        await exited
        await expectAllGone(running, signalledAt)
      } finally {
        cli.kill('SIGKILL')
      }
    })
  }

  it('a killed watchdog is replaced, and the new one still ends a busy run when the host is SIGKILLed', watchdogTest, async () => {
    const { cli, output } = startCli(scripts.write('busy.mjs', TREE.replace(/for \(const target of \[[^\]]*\]\)/, 'for (const target of [busy])')))
    try {
      await waitUntil(() => marks(output()).has('busy') && marks(output()).has('raw-of-main'), 30_000, `the busy child; so far:\n${output()}`)
      const [first] = watchdogsOf(cli.pid!)
      expect(first).toBeDefined()
      process.kill(first!, 'SIGKILL')
      await waitUntil(() => watchdogsOf(cli.pid!).some((pid) => pid !== first), 10_000, 'a new watchdog')
      const pids = [...labPidsFromCli(output()), ...marks(output()).values()]
      const exited = new Promise((resolve) => cli.once('exit', resolve))
      const signalledAt = Date.now()
      cli.kill('SIGKILL')
      await exited
      await expectAllGone(pids, signalledAt)
    } finally {
      cli.kill('SIGKILL')
    }
  })

  it('the System tab may not signal the watchdog', watchdogTest, async () => {
    await withHost({}, async (host) => {
      const watchdog = watchdogsOf(process.pid).at(-1)
      expect(watchdog).toBeDefined()
      await expect(host.call('process.signal', { pid: watchdog!, signal: 'SIGKILL' })).rejects.toMatchObject({ code: 'refused' })
      await expect(host.call('process.signal', { pid: watchdog!, signal: 'SIGTERM', tree: true })).rejects.toMatchObject({ code: 'refused' })
      expect(pidAlive(watchdog!)).toBe(true)
    })
  })
})

// A lab script's own OS children (child_process.spawn) are not lab processes, but they are the run's.
const RAW = `
import { Process, sleep } from 'proclab'
import { spawn } from 'node:child_process'
export async function spawnAndReturn() { console.log('RAW child ' + spawn(${SLEEP}, { stdio: 'ignore' }).pid) }
export async function spawnAndWait() {
  console.log('RAW waiting-child ' + spawn(${SLEEP}, { stdio: 'ignore' }).pid)
  console.log('RAW escaped ' + spawn(${SLEEP}, { stdio: 'ignore', detached: true }).pid)
  await sleep(120_000)
}
export default async function main() {
  console.log('RAW main ' + spawn(${SLEEP}, { stdio: 'ignore' }).pid)
  const p = new Process({ target: __TARGET__ })
  await p.start()
  await p.join()
  console.log('MAIN DONE')
}
`

function rawPids(events: LabEvent[]): Map<string, number> {
  return new Map(events.flatMap((e) => (e.kind === 'stdout' && e.line.startsWith('RAW ') ? [[e.line.split(' ')[1]!, Number(e.line.split(' ')[2])] as const] : [])))
}

describe('nothing outlives its run', () => {
  it('a normal end of a run leaves no raw OS child behind', async () => {
    const run = await runSource(RAW.replace('__TARGET__', 'spawnAndReturn'))
    expect(run.end.ok).toBe(true)
    expect(run.lines('MainProcess')).toContain('MAIN DONE')
    const raw = rawPids(run.events)
    expect([...raw.keys()].sort()).toEqual(['child', 'main'])
    // run.end comes once the run's process group is empty: no waiting here.
    for (const [who, pid] of raw) expect(pidAlive(pid), `${who}'s sleep, pid ${pid}`).toBe(false)
  })

  it('stop ends raw OS children too, also one that left the process group while its parent runs', async () => {
    let raw = new Map<string, number>()
    const run = await runSource(RAW.replace('__TARGET__', 'spawnAndWait'), {
      during: async (host, events) => {
        await waitUntil(() => rawPids(events).size === 3, 30_000, 'three raw children')
        raw = rawPids(events)
        await waitUntil(() => [...raw.values()].every(pidAlive), 5000, 'the raw children to run')
        expect(await host.call('run.stop', {})).toEqual({ stopped: true })
      },
    })
    expect(run.end).toMatchObject({ ok: false, error: null, stopped: true })
    for (const [who, pid] of raw) expect(pidAlive(pid), `${who}'s sleep, pid ${pid}`).toBe(false)
  })

  it('keeps the orphan lesson: a lab child outlives its lab parent while the host lives, until the run ends', async () => {
    // POSIX hands an orphan to a new parent at once; Windows never does (its ppid keeps naming the
    // dead parent), so there the orphan watches its parent end.
    const parentGone = onWindows ? '!parentProcess().isAlive()' : 'process.ppid !== parent'
    const run = await runSource(`
      import { Event, Process, parentProcess, sleep } from 'proclab'
      export async function orphan(adopted, parent) {
        console.log('ORPHAN parent ' + parent)
        while (!(${parentGone})) await sleep(10)
        console.log('ORPHAN on its own, ppid ' + process.ppid)
        await adopted.set()
        await sleep(120_000)
      }
      export async function abandon(adopted) { await new Process({ target: orphan, args: [adopted, process.pid], name: 'orphan' }).start(); process.exit(0) }
      export default async function main() {
        const adopted = new Event()
        const parent = new Process({ target: abandon, args: [adopted], name: 'parent' })
        await parent.start()
        await parent.join()
        await adopted.wait()
        console.log('MAIN sees the orphan adopted')
      }
    `)
    expect(run.end.ok).toBe(true)
    const orphan = run.start('orphan')
    const parent = run.start('parent')
    expect(run.exitCode('parent')).toBe(0)
    expect(run.lines('orphan')).toEqual([`ORPHAN parent ${parent.pid}`, expect.stringMatching(/^ORPHAN on its own, ppid \d+$/)])
    if (onWindows) expect(run.lines('orphan')[1]).toBe(`ORPHAN on its own, ppid ${parent.pid}`)
    else expect(run.lines('orphan')[1]).not.toBe(`ORPHAN on its own, ppid ${parent.pid}`)
    // It ran on after its parent's exit, and was ended with the run, not before.
    const seqOf = (predicate: (e: LabEvent) => boolean) => run.events.find(predicate)?.seq ?? -1
    const parentExit = seqOf((e) => e.kind === 'process.exit' && e.lid === parent.lid)
    const adoptedLine = seqOf((e) => e.kind === 'stdout' && e.lid === orphan.lid && e.line.startsWith('ORPHAN on its own'))
    expect(adoptedLine).toBeGreaterThan(parentExit)
    expect(pidAlive(orphan.pid)).toBe(false)
  })
})
