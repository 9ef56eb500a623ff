// monitor.changes: the host's diffs, applied by the renderer's own table, must give the host's table,
// on made-up tables and on a simulated /proc that lives (CPU use, ends, starts); and the sampler's
// kept stat descriptors must follow processes that end.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readdirSync, readlinkSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { SYSTEM_PROCESS_FIELDS, type SystemProcess } from '../../src-shared/contract'
import { ChangeLog, createMonitor, diffTables, fromColumns, LinuxProcSampler, toColumns } from '../../src-main/monitor'
import { churnFakeProc, removeFakeProc, writeFakeProc } from '../helpers/fake-proc'
import { sameRow } from '../../src-main/monitor/changes'
import { ProcessTable } from '../../src-renderer/features/system/systemTable'
import { linuxOnly } from '../helpers/platform'

function row(pid: number, fields: Partial<SystemProcess> = {}): SystemProcess {
  return { pid, ppid: 1, name: `p${pid}`, command: `/bin/p${pid}`, user: 'u', state: 'sleeping', cpu: 0, rss: 4096, startedAt: 1000 + pid, lab: false, threads: 1, nice: 0, memPercent: 0.1, signalRefused: null, ...fields }
}

/** Rows by pid, without the renderer table's own `serial` (when a row entered it). */
const byPid = (rows: Iterable<SystemProcess>) => new Map([...rows].map((r) => [r.pid, withoutSerial(r)]))
const withoutSerial = (r: SystemProcess): SystemProcess => {
  const { serial: _serial, ...rest } = r as SystemProcess & { serial?: number }
  return rest
}

/** A pseudo-random but repeatable sequence, so a failure can be replayed. */
function seeded(seed: number): () => number {
  let x = seed
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31
    return x / 2 ** 31
  }
}

describe('diffTables and sameRow', () => {
  it('notices a change in every field, one at a time', () => {
    const base = row(7)
    const other: Record<string, unknown> = { pid: 7, ppid: 2, name: 'q', command: 'q', user: 'v', state: 'zombie', cpu: 1, rss: 1, startedAt: 5, lab: true, threads: null, nice: 3, memPercent: 9, signalRefused: 'other-user' }
    for (const field of SYSTEM_PROCESS_FIELDS) {
      if (field === 'pid') continue
      const changed = { ...base, [field]: other[field] } as SystemProcess
      expect(sameRow(base, changed), field).toBe(false)
      expect(diffTables(byPid([base]), [changed]).updated, field).toEqual({ [field]: { pids: [7], values: [other[field]] } })
    }
    expect(sameRow(base, { ...base })).toBe(true)
  })

  it('lists new processes as columns and ended ones by pid', () => {
    const before = byPid([row(1), row(2), row(3)])
    const diff = diffTables(before, [row(1), row(3, { cpu: 12.5 }), row(4)])
    expect(fromColumns(diff.added)).toEqual([row(4)])
    expect(diff.removed).toEqual([2])
    expect(diff.updated).toEqual({ cpu: { pids: [3], values: [12.5] } })
  })

  it('columns and rows convert both ways', () => {
    const rows = [row(1), row(2, { threads: null, startedAt: null, lab: true })]
    expect(fromColumns(toColumns(rows))).toEqual(rows)
    expect(Object.keys(toColumns(rows))).toEqual([...SYSTEM_PROCESS_FIELDS])
  })
})

describe('ChangeLog answers applied by the renderer table', () => {
  it('keep the copy equal to the host table through many random samples', () => {
    const random = seeded(42)
    const log = new ChangeLog()
    const copy = new ProcessTable()
    let rows = Array.from({ length: 300 }, (_, i) => row(i + 1))
    let next = 301
    for (let sample = 0; sample < 40; sample++) {
      rows = rows
        .filter(() => random() > 0.03)
        .map((r) => (random() < 0.2 ? { ...r, cpu: Math.round(random() * 1000) / 10, rss: r.rss + 4096 } : random() < 0.02 ? { ...r, ppid: 2, name: `${r.name}x` } : r))
      for (let k = Math.floor(random() * 8); k > 0; k--) rows.push(row(next++))
      const answer = log.answer(rows, copy.answerId ?? undefined)
      expect(answer.since).toBe(sample === 0 ? null : answer.id - 1)
      // The wire: what the renderer gets is the JSON of the answer.
      copy.apply(JSON.parse(JSON.stringify(answer)))
      expect(byPid(copy.values())).toEqual(byPid(rows))
      expect(copy.answerId).toBe(answer.id)
    }
  })

  it('sends the whole table to a copy whose answer it no longer holds, and the copy then drops what is gone', () => {
    const log = new ChangeLog()
    const copy = new ProcessTable()
    copy.apply(log.answer([row(1), row(2)], undefined))
    const held = copy.answerId!
    for (let i = 0; i < 6; i++) log.answer([row(1)], undefined) // other clients' answers push `held` out
    const answer = log.answer([row(1), row(3)], held)
    expect(answer.since).toBeNull()
    const change = copy.apply(answer)
    expect([...copy.values()].map((r) => r.pid)).toEqual([1, 3])
    expect(change.vanished.map((r) => r.pid)).toEqual([2])
    expect(change.rowsChanged).toBe(true)
  })

  it('says what changed: rows, fields, vanished rows and the rows to record', () => {
    const log = new ChangeLog()
    const copy = new ProcessTable()
    copy.apply(log.answer([row(1), row(2), row(3)], undefined))
    const old = copy.get(2)
    const quiet = copy.apply(log.answer([row(1), row(2), row(3)], copy.answerId!))
    expect(quiet).toEqual({ rowsChanged: false, fields: new Set(), vanished: [], touched: [] })
    expect(copy.get(2)).toBe(old) // unchanged rows keep their object
    const busy = copy.apply(log.answer([row(1), row(2, { cpu: 50, rss: 8192 })], copy.answerId!))
    expect(busy.rowsChanged).toBe(true)
    expect([...busy.fields].sort()).toEqual(['cpu', 'rss'])
    expect(busy.vanished.map((r) => r.pid)).toEqual([3])
    expect(busy.touched).toEqual([2])
    expect(copy.get(2)).not.toBe(old)
    expect(copy.get(2)).toMatchObject({ cpu: 50, rss: 8192, serial: old!.serial })
  })

  it('refuses changes that do not follow the copy, and asks for the whole table after a lost count', () => {
    const log = new ChangeLog()
    const copy = new ProcessTable()
    copy.apply(log.answer([row(1)], undefined))
    const first = copy.answerId!
    const skipped = log.answer([row(1), row(2)], first)
    expect(() => copy.apply(log.answer([row(1), row(2), row(3)], skipped.id))).toThrow(/since answer/)
    copy.apply({ ...log.answer([row(1), row(4)], first), count: 99 })
    expect(copy.answerId).toBeNull()
  })
})

describe('monitor.changes on a simulated /proc that lives', () => {
  it('the renderer copy matches the host table after CPU use, ends and starts', async () => {
    const count = 400
    const dir = writeFakeProc({ count })
    try {
      const monitor = createMonitor({ procRoot: dir, cores: 2 })
      const copy = new ProcessTable()
      const none = new Set<number>()
      copy.apply(await monitor.changes(none))
      expect(copy.size).toBe(count)
      const random = seeded(7)
      let sawCpu = false
      for (let round = 0; round < 4; round++) {
        const started = churnFakeProc(dir, { busy: 40, replaced: 5, count }, random)
        const answer = await monitor.changes(none, copy.answerId!)
        expect(answer.since).not.toBeNull()
        expect(answer.removed).toHaveLength(5)
        expect(answer.added.pid.sort((a, b) => a - b)).toEqual(started)
        sawCpu ||= (answer.updated.cpu?.pids.length ?? 0) > 0
        copy.apply(JSON.parse(JSON.stringify(answer)))
        // The host's table now: another sample, but nothing moved on disk since, so only CPU % (now 0) differs.
        const now = byPid((await monitor.list(none)).map((r) => ({ ...r, cpu: 0 })))
        expect(byPid([...copy.values()].map((r) => ({ ...r, cpu: 0 })))).toEqual(now)
        copy.apply(await monitor.changes(none, copy.answerId!))
      }
      expect(sawCpu).toBe(true)
      expect(copy.size).toBe(count)
    } finally {
      removeFakeProc(dir)
    }
  })
})

describe('kept stat descriptors', linuxOnly('counts the descriptors in /proc/self/fd'), () => {
  /** Descriptors of this process open on a file of `/proc/<pid>/`, by pid (other tests' processes come and go meanwhile). */
  const keptFor = (pids: ReadonlySet<number>): number => {
    let n = 0
    for (const fd of readdirSync('/proc/self/fd')) {
      try {
        const pid = Number(/^\/proc\/(\d+)\//.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1])
        if (pids.has(pid)) n++
      } catch {
        // closed meanwhile (readdir's own descriptor)
      }
    }
    return n
  }

  it('are given back when their process ends, and the process leaves the sample', async () => {
    const sampler = new LinuxProcSampler()
    try {
      const children = Array.from({ length: 20 }, () => spawn('sleep', ['30'], { stdio: 'ignore' }))
      await Promise.all(children.map((c) => once(c, 'spawn')))
      const pids = new Set(children.map((c) => c.pid!))
      const seen = new Set((await sampler.sample()).map((r) => r.pid))
      for (const pid of pids) expect(seen.has(pid)).toBe(true)
      // At least stat is kept open for each (and schedstat, where the kernel has it).
      expect(keptFor(pids)).toBeGreaterThanOrEqual(children.length)
      const exits = children.map((c) => once(c, 'exit'))
      for (const c of children) c.kill('SIGKILL')
      await Promise.all(exits)
      const after = new Set((await sampler.sample()).map((r) => r.pid))
      for (const pid of pids) expect(after.has(pid)).toBe(false)
      expect(keptFor(pids)).toBe(0)
    } finally {
      sampler.close()
    }
  })
})

describe('RowReuse', () => {
  it('hands back last call’s row for an unchanged process, and forgets ended ones', async () => {
    const { RowReuse, buildRows } = await import('../../src-main/monitor/rows')
    const raw = (pid: number) => ({ pid, ppid: 1, name: 'x', command: 'x', user: 'u', state: 'sleeping' as const, cpuTimeMs: 10, cpuPercentHint: null, rss: 4096, startedAt: 1, threads: 1, nice: 0 })
    const reuse = new RowReuse()
    const a = raw(1)
    const first = buildRows(null, { at: 0, processes: [a, raw(2)] }, new Set(), 2, 0, reuse)
    const second = buildRows({ at: 0, processes: [a] }, { at: 1000, processes: [a, raw(3)] }, new Set(), 2, 0, reuse)
    expect(second[0]).toBe(first[0]) // same raw, CPU 0 both times
    expect(buildRows(null, { at: 0, processes: [a] }, new Set([1]), 2, 0, reuse)[0]).not.toBe(first[0]) // now a lab process
    expect((reuse as unknown as { rows: Map<number, unknown> }).rows.size).toBe(1)
  })
})
