// The process chapter's last two lessons, with real processes: a zombie (exited, not reaped: state Z
// until its parent waits for it) and an orphan (its parent ended: the OS gives it a new parent).
// The OS is asked directly (/proc) whether what the host reported is true.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { EventOf, LabEvent } from '../../src-shared/events'
import { exportSession } from '../../src-main/session/index'
import { applyEvent, emptyRun } from '../../src-renderer/features/lab/runModel'
import { collect, parseCsv, tempDir, writeSessionFile, type TraceEvent } from '../fixtures/session/helpers'
import { pidAlive, runLab, runOn, runSource, scriptDir, withHost } from '../helpers/lab'
import { spawnIdle } from '../helpers/os'
import { linuxOnly, windowsOnly } from '../helpers/platform'
import { until } from '../helpers/shm-workers'

/** State letter and parent pid of a process, from /proc; null once it is gone. */
function procStat(pid: number): { state: string; ppid: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return { state: state!, ppid: Number(ppid) }
  } catch {
    return null
  }
}

/** The pids above this process, up to pid 1: where an orphan of this host's runs may be handed. */
function ancestorsOfHost(): number[] {
  const out: number[] = []
  for (let pid = process.pid; pid > 1; ) {
    const stat = procStat(pid)
    if (!stat) break
    pid = stat.ppid
    out.push(pid)
  }
  return out
}

function first<K extends LabEvent['kind']>(events: LabEvent[], kind: K, where: (e: EventOf<K>) => boolean = () => true): EventOf<K> | undefined {
  return events.find((e): e is EventOf<K> => e.kind === kind && where(e as EventOf<K>))
}

describe('a real zombie', linuxOnly('zombies, /proc and posix_spawnp are what the lesson shows'), () => {
  it('zombie: the exited child is in state Z under main until main reaps it, then it is gone', async () => {
    const seen: Array<string | null> = []
    const run = await runLab(
      { scenario: 'zombie' },
      {
        during: async (_host, events) => {
          await until(() => first(events, 'os.start') !== undefined)
          const pid = first(events, 'os.start')!.pid
          // While main sleeps, the OS keeps the exited child as a zombie of main's.
          await until(() => procStat(pid)?.state === 'Z')
          seen.push(procStat(pid)?.state ?? null)
          await until(() => first(events, 'os.exit') !== undefined)
          seen.push(procStat(pid)?.state ?? null)
        },
      },
    )
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const main = run.start('MainProcess')
    const start = first(run.events, 'os.start')!
    expect(start).toMatchObject({ parentLid: main.lid, ppid: main.pid, command: expect.stringMatching(/^sh -c /) })
    // Z while unreaped, gone once reaped: as the OS saw it.
    expect(seen).toEqual(['Z', null])
    const zombie = first(run.events, 'process.zombie', (e) => e.lid === start.lid)
    const exit = first(run.events, 'os.exit', (e) => e.lid === start.lid)
    expect(zombie).toMatchObject({ pid: start.pid, ppid: main.pid })
    expect(exit).toMatchObject({ pid: start.pid, exitCode: 0, signal: null, reapedBy: 'parent' })
    expect(zombie!.seq).toBeLessThan(exit!.seq)
    const lines = run.lines('MainProcess')
    expect(lines).toContain(`pid ${start.pid}: my work is done, exiting`)
    expect(lines).toContain(`the OS says pid ${start.pid} is in state Z (zombie): exited, not reaped`)
    expect(lines).toContain(`reaped pid ${start.pid}: exit code 0; it is gone from the process table now`)
    expect(lines).toContain(`pid ${start.pid} is no longer in the process table`)
  })

  it('zombie prints in Chinese when the run asks for it, the OS process too', async () => {
    const run = await runLab({ scenario: 'zombie', lang: 'zh' })
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const pid = first(run.events, 'os.start')!.pid
    expect(run.lines('MainProcess')).toContain(`pid ${pid}: 我的工作做完了，退出`)
    expect(run.lines('MainProcess')).toContain(`系统显示 pid ${pid} 的状态为 Z（僵尸）：已退出，但未被回收`)
  })

  it('spawnUnreaped: reap() waits for a running child and reports its exit as Python does', async () => {
    const run = await runSource(`
      import { spawnUnreaped } from 'proclab'
      import { readFileSync } from 'node:fs'
      const state = (pid) => { try { const s = readFileSync('/proc/' + pid + '/stat', 'utf8'); return s.slice(s.lastIndexOf(')') + 2)[0] } catch { return 'gone' } }
      export default async function main() {
        const slow = spawnUnreaped('sh', ['-c', 'sleep 0.3; exit 3'])
        console.log('slow before', state(slow.pid))
        console.log('slow', JSON.stringify(await slow.reap()), state(slow.pid))
        const killed = spawnUnreaped('sh', ['-c', 'kill -9 $$'])
        while (state(killed.pid) !== 'Z') await new Promise((r) => setTimeout(r, 10))
        console.log('killed', JSON.stringify(await killed.reap()), state(killed.pid))
        try { spawnUnreaped('no-such-program-proclab') ; console.log('started?') } catch (error) { console.log(error.name) }
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const lines = run.lines('MainProcess')
    // Alive and not yet exited: R, S, or D (a busy disk: the child may still be loading sh when we look).
    expect(lines[0]).toMatch(/^slow before [RSD]$/)
    expect(lines[1]).toBe('slow {"exitCode":3,"signal":null} gone')
    expect(lines[2]).toBe('killed {"exitCode":-9,"signal":"SIGKILL"} gone')
    // glibc's posix_spawnp reports a program it cannot find at once (ENOENT): a ProcessError, no process.
    expect(lines[3]).toBe('ProcessError')
    const exits = run.events.filter((e) => e.kind === 'os.exit')
    expect(exits.map((e) => (e as EventOf<'os.exit'>).exitCode).slice(0, 2)).toEqual([3, -9])
  })
})

describe('what a lab process says of its unreaped children', linuxOnly('the OS is asked who a pid’s parent is through /proc'), () => {
  it('refuses a pid reported as an unreaped child that is not the reporter’s child, and a reaping it never reported', async () => {
    const victim = spawnIdle(600)
    const scripts = scriptDir()
    Object.assign(process.env, { PROCLAB_NODE_ARGS: `--import=${pathToFileURL(join(process.cwd(), 'tests', 'fixtures', 'lab-socket', 'forger.mjs')).href}`, PROCLAB_TEST_VICTIM: String(victim.pid), PROCLAB_TEST_LIE: 'unreaped' })
    try {
      await withHost({}, async (host) => {
        const run = await runOn(host, { script: scripts.write('plain.mjs', 'export default async function main() {}') })
        const main = run.start('MainProcess')
        const errors = run.events.filter((e): e is EventOf<'lab.error'> => e.kind === 'lab.error').map((e) => e.message)
        expect(errors).toContain(`MainProcess (${main.lid}) reported pid ${victim.pid} as a process it started, but that process's parent is pid ${process.pid}; refused`)
        expect(errors).toContain(`MainProcess (${main.lid}) reported that it reaped pid ${victim.pid + 1}, which it had not reported starting; refused`)
        expect(run.events.some((e) => e.kind === 'os.start' || e.kind === 'os.exit')).toBe(false)
      })
      expect(pidAlive(victim.pid)).toBe(true)
    } finally {
      delete process.env.PROCLAB_NODE_ARGS
      delete process.env.PROCLAB_TEST_VICTIM
      delete process.env.PROCLAB_TEST_LIE
      victim.kill('SIGKILL')
      scripts.cleanup()
    }
  })
})

describe('a real zombie where there are none', windowsOnly('Windows has no zombies: the scenario says so and ends cleanly'), () => {
  it('zombie: says why there is nothing to show, and the run ends well', async () => {
    const run = await runLab({ scenario: 'zombie' })
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    expect(run.lines('MainProcess')[0]).toMatch(/^This OS has no zombies to show/)
    expect(run.events.some((e) => e.kind === 'os.start')).toBe(false)
  })
})

describe('a real orphan', linuxOnly('Linux hands an orphan to a subreaper or init; /proc tells which'), () => {
  it('orphan: the terminated parent’s child gets a new parent, and the host reports the one the OS gave', async () => {
    let osSaid: number | null = null
    const run = await runLab(
      { scenario: 'orphan' },
      {
        during: async (_host, events) => {
          await until(() => first(events, 'process.reparent') !== undefined)
          const reparent = first(events, 'process.reparent')!
          osSaid = procStat(reparent.pid)?.ppid ?? null
        },
      },
    )
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const parent = run.start('parent')
    const orphan = run.start('orphan')
    expect(orphan.ppid).toBe(parent.pid)
    const reparent = first(run.events, 'process.reparent', (e) => e.lid === orphan.lid)!
    expect(reparent).toMatchObject({ pid: orphan.pid, oldPpid: parent.pid })
    // The OS agrees, and the adopter is init or a subreaper above the host (never the dead parent, never the lab main).
    expect(osSaid).toBe(reparent.newPpid)
    expect(reparent.newPpid).not.toBe(parent.pid)
    expect([1, ...ancestorsOfHost()]).toContain(reparent.newPpid)
    expect(reparent.newParentName).toBeTruthy()
    // The parent's exit comes first: it is what made the orphan.
    const parentExit = run.exits.get('parent')!
    expect(parentExit.exitCode).toBe(-15)
    expect(parentExit.seq).toBeLessThan(reparent.seq)
    expect(run.lines('orphan')).toContain(`orphan: my parent pid ${parent.pid} is gone; my parent is now pid ${reparent.newPpid}`)
    expect(run.lines('MainProcess')).toContain(`main: the orphan says its new parent is pid ${reparent.newPpid}`)
  })

  it('orphan prints in Chinese when the run asks for it', async () => {
    const run = await runLab({ scenario: 'orphan', lang: 'zh' })
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    expect(run.lines('MainProcess').at(-1)).toMatch(/^主进程：孤儿报告它的新父进程是 pid \d+$/)
  })
})

// What a UI and an export make of the events, on any OS: written by hand as the host records them.
const R = { runId: 'r1' }
const ZOMBIE_AND_ORPHAN = [
  { seq: 1, t: 0, ...R, kind: 'run.start', title: 'zombie', source: 'scenario:zombie' },
  { seq: 2, t: 1, ...R, kind: 'process.start', lid: 'r1', pid: 100, ppid: 50, name: 'MainProcess', daemon: false, parentLid: null, target: 'main' },
  { seq: 3, t: 2, ...R, kind: 'process.start', lid: 'r1.1', pid: 101, ppid: 100, name: 'orphan', daemon: false, parentLid: 'r1', target: 'orphan' },
  { seq: 4, t: 3, ...R, kind: 'os.start', lid: 'r1.os1', pid: 102, ppid: 100, parentLid: 'r1', command: 'sh -c echo hi' },
  { seq: 5, t: 4, ...R, kind: 'process.zombie', lid: 'r1.os1', pid: 102, ppid: 100 },
  { seq: 6, t: 5, ...R, kind: 'process.reparent', lid: 'r1.1', pid: 101, oldPpid: 100, newPpid: 1, newParentName: 'init' },
  { seq: 7, t: 6, ...R, kind: 'os.exit', lid: 'r1.os1', pid: 102, exitCode: 0, signal: null, reapedBy: 'parent' },
] as const

describe('zombies and orphans as the UI and the exports show them', () => {
  it('the Lab tree model: the OS process is a zombie until reaped, the orphan takes its new parent pid, and the output gets a note for each', () => {
    const model = emptyRun()
    for (const event of ZOMBIE_AND_ORPHAN.slice(0, 5)) applyEvent(model, event as unknown as LabEvent)
    expect(model.processes['r1.os1']).toMatchObject({ name: 'sh', parentLid: 'r1', ppid: 100, os: true, zombie: true, exited: false })
    for (const event of ZOMBIE_AND_ORPHAN.slice(5)) applyEvent(model, event as unknown as LabEvent)
    expect(model.processes['r1.os1']).toMatchObject({ zombie: false, exited: true, exitCode: 0 })
    expect(model.processes['r1.1']!.ppid).toBe(1)
    expect(model.lines.map((line) => (line.kind === 'note' ? [line.lid, line.note.what] : null))).toEqual([
      ['r1.os1', 'zombie'],
      ['r1.1', 'reparent'],
      ['r1.os1', 'reaped'],
    ])
    // Notes are the host's words, not lines a process printed.
    expect(model.linesTotal).toBe(0)
  })

  it('CSV names the OS process by its program; the Chrome trace draws its lifetime and marks the zombie and the new parent', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      const file = join(dir, 'session.ndjson')
      await writeSessionFile(file, [...ZOMBIE_AND_ORPHAN])
      const csv = collect()
      await exportSession(file, 'csv', csv.out, { onWarning: () => {} })
      const rows = parseCsv(csv.text())
      const header = rows[0]!
      const byKind = (kind: string) => rows.find((row) => row[header.indexOf('kind')] === kind)!
      expect(byKind('os.exit')[header.indexOf('name')]).toBe('sh')
      expect(byKind('process.reparent')[header.indexOf('value')]).toBe('1')
      const trace = collect()
      await exportSession(file, 'chrome-trace', trace.out, { onWarning: () => {} })
      const events = (JSON.parse(trace.text()) as { traceEvents: TraceEvent[] }).traceEvents
      expect(events.find((e) => e.ph === 'X' && e.cat === 'process' && e.pid === 102)).toMatchObject({ name: 'sh', ts: 3, dur: 3 })
      expect(events.some((e) => e.ph === 'i' && e.name === 'zombie (Z)' && e.pid === 102)).toBe(true)
      expect(events.some((e) => e.ph === 'i' && e.name === 'new parent 1' && e.pid === 101)).toBe(true)
    } finally {
      await cleanup()
    }
  })
})
