// The one rule that says who may be signalled from ProcLab: asked by the host before it sends a
// signal, and by the monitor for each row it sends (the System tab greys those rows' Kill).
import { describe, expect, it } from 'vitest'
import { buildRows, checkSignalTarget, createMonitor, MonitorError, protectedBy, signalRefusal, type RawProcess } from '../../src-main/monitor'
import { removeFakeProc, writeFakeProc } from '../helpers/fake-proc'
import { linuxOnly } from '../helpers/platform'

const PIDS = { hostPid: 500, protectedPids: new Set([501]), ancestorPids: new Set([400, 300]) }
const ME = { user: 'alice', isRoot: false }
const ROOT = { user: 'root', isRoot: true }

function raw(pid: number, ppid: number, user: string): RawProcess {
  return { pid, ppid, name: `p${pid}`, command: `p${pid}`, user, state: 'sleeping', cpuTimeMs: 0, cpuPercentHint: null, rss: 0, startedAt: 1_000, threads: 1, nice: 0 }
}

describe('signalRefusal', () => {
  it('never lets pid 1, ProcLab or what ProcLab runs under be signalled, even by root', () => {
    for (const account of [ME, ROOT]) {
      expect(signalRefusal(1, 'alice', PIDS, account)).toBe('init')
      expect(signalRefusal(500, 'alice', PIDS, account)).toBe('proclab')
      expect(signalRefusal(501, 'alice', PIDS, account)).toBe('proclab')
      expect(signalRefusal(400, 'alice', PIDS, account)).toBe('host-ancestor')
    }
  })

  it("refuses another user's process unless the host is root", () => {
    expect(signalRefusal(42, 'bob', PIDS, ME)).toBe('other-user')
    expect(signalRefusal(42, 'alice', PIDS, ME)).toBeNull()
    expect(signalRefusal(42, 'bob', PIDS, ROOT)).toBeNull()
  })

  it('leaves a process whose owner the platform could not name to the OS', () => {
    expect(signalRefusal(42, '', PIDS, ME)).toBeNull()
  })

  it('protects by pid alone what the host refuses by pid', () => {
    expect([1, 500, 501, 300, 42].map((pid) => protectedBy(pid, PIDS))).toEqual(['init', 'proclab', 'proclab', 'host-ancestor', null])
  })
})

describe('the host refuses what the rows grey', () => {
  it('refuses pid 1, itself, a protected pid and its ancestors with the reason', () => {
    const guard = { protectedPids: new Set([777_777]), ancestorPids: new Set([process.ppid]) }
    const refusal = (pid: number) => {
      try {
        checkSignalTarget(pid, 'SIGTERM', guard)
        return null
      } catch (error) {
        return error instanceof MonitorError ? `${error.code}: ${error.message}` : String(error)
      }
    }
    expect(refusal(1)).toBe('refused: refusing to signal pid 1: it is the system init process')
    expect(refusal(process.pid)).toBe(`refused: refusing to signal pid ${process.pid}: it is part of ProcLab itself`)
    expect(refusal(777_777)).toBe('refused: refusing to signal pid 777777: it is part of ProcLab itself')
    expect(refusal(process.ppid)).toBe(`refused: refusing to signal pid ${process.ppid}: ProcLab runs under it, so it would end ProcLab too`)
  })
})

describe('buildRows marks each row by the rule', () => {
  it("finds the host's ancestors in the sample's own parent links", () => {
    // 1 (root) > 10 (alice) > 20 (alice, the host) > 30 (alice); 11 (bob) under 1.
    const sample = { at: 0, processes: [raw(1, 0, 'root'), raw(10, 1, 'alice'), raw(20, 10, 'alice'), raw(30, 20, 'alice'), raw(11, 1, 'bob'), raw(12, 1, 'alice')] }
    const rows = buildRows(null, sample, new Set(), 2, 0, undefined, { account: ME, hostPid: 20, protectedPids: new Set([12]) })
    expect(rows.map((r) => [r.pid, r.signalRefused])).toEqual([
      [1, 'init'],
      [10, 'host-ancestor'],
      [20, 'proclab'],
      [30, null],
      [11, 'other-user'],
      [12, 'proclab'],
    ])
  })

  it('marks nothing without a rule (the host still checks when it sends)', () => {
    const rows = buildRows(null, { at: 0, processes: [raw(1, 0, 'root')] }, new Set(), 2)
    expect(rows[0]!.signalRefused).toBeNull()
  })

  it("a monitor on a simulated machine: pid 1 is root's, a uid 0 process is another user's, the user's own are not refused", linuxOnly('reads a simulated /proc with uids named by /etc/passwd'), async () => {
    // Looked at as uid 4242, whoever runs the test (root too): what a user who is not root sees.
    const dir = writeFakeProc({ count: 6, viewerUid: 4242 })
    try {
      const monitor = createMonitor({ procRoot: dir })
      const rows = await monitor.list(new Set(), { protectedPids: new Set([5]) })
      const byPid = new Map(rows.map((r) => [r.pid, r]))
      expect(byPid.get(1)!.signalRefused).toBe('init')
      expect(byPid.get(3)!.user).toBe('root')
      expect(byPid.get(3)!.signalRefused).toBe('other-user')
      expect(byPid.get(5)!.signalRefused).toBe('proclab')
      expect(byPid.get(1)!.user).toBe('root')
      expect(byPid.get(2)!.signalRefused).toBeNull()
      expect(byPid.get(4)!.signalRefused).toBeNull()
    } finally {
      removeFakeProc(dir)
    }
  })
})
