// The activity fold on hand-written streams: what each process is doing, from the lock events and
// process.wait / process.resume, whatever else comes between.
import { describe, expect, it } from 'vitest'
import { ActivityFold, activityParts, type ActivityFoldInput } from '../../src-shared/folds/activity'
import { LockFold } from '../../src-shared/folds/locks'

let seq = 0
function ev(kind: string, t: number, fields: Record<string, unknown> = {}): ActivityFoldInput & { seq: number } {
  return { seq: ++seq, kind, t, ...fields }
}
const start = (lid: string, t = 0) => ev('process.start', t, { lid, pid: 100, name: lid, parentLid: null })
const wait = (lid: string, t: number, wait: number, on: string, extra: Record<string, unknown> = {}) =>
  ev('process.wait', t, { lid, pid: 100, wait, on, object: null, target: null, timeoutMs: null, waitedUs: 6000, ...extra })
const resume = (lid: string, t: number, wait: number, outcome = 'done') => ev('process.resume', t, { lid, pid: 100, wait, outcome, waitedUs: 9000 })

function fold(events: ActivityFoldInput[], into = new ActivityFold()): ActivityFold {
  for (const event of events) into.apply(event)
  return into
}

describe('ActivityFold', () => {
  it('shows a started process running, and nothing for one never seen', () => {
    const activities = fold([ev('run.start', 0), start('r.0')])
    expect(activities.activityOf('r.0')).toEqual({ activity: { kind: 'running' }, others: 0 })
    expect(activities.activityOf('r.9')).toBeNull()
  })

  it('shows a wait from when it began (the report comes waitedUs later) until its resume', () => {
    const activities = fold([start('r.0'), wait('r.0', 10_000, 1, 'queue.get', { object: 'r.0/1' })])
    expect(activities.activityOf('r.0')!.activity).toEqual({ kind: 'waiting', on: 'queue.get', object: 'r.0/1', target: null, since: 4000, timeoutMs: null })
    activities.apply(resume('r.0', 13_000, 1))
    expect(activities.activityOf('r.0')!.activity).toEqual({ kind: 'running' })
  })

  it('shows a lock wait from the lock fold, and it ends when the lock is acquired', () => {
    const activities = fold([
      start('r.0'),
      start('r.1'),
      ev('object.create', 1, { lid: 'r.0', pid: 100, object: 'r.0/1', type: 'lock', name: 'printer-lock', capacity: 1 }),
      ev('lock.request', 2, { lid: 'r.0', pid: 100, object: 'r.0/1' }),
      ev('lock.acquire', 3, { lid: 'r.0', pid: 100, object: 'r.0/1', waitedUs: 0 }),
      ev('lock.request', 50, { lid: 'r.1', pid: 101, object: 'r.0/1' }),
    ])
    expect(activities.activityOf('r.0')!.activity).toEqual({ kind: 'running' })
    expect(activities.activityOf('r.1')!.activity).toEqual({ kind: 'waiting-lock', object: 'r.0/1', since: 50 })
    activities.apply(ev('lock.release', 90, { lid: 'r.0', pid: 100, object: 'r.0/1', heldUs: 87 }))
    activities.apply(ev('lock.acquire', 91, { lid: 'r.1', pid: 101, object: 'r.0/1', waitedUs: 41 }))
    expect(activities.activityOf('r.1')!.activity).toEqual({ kind: 'running' })
  })

  it('reads a lock fold the caller feeds itself, without folding its events twice', () => {
    const locks = new LockFold()
    const activities = new ActivityFold(locks)
    const events = [start('r.1'), ev('object.create', 1, { lid: 'r.0', pid: 100, object: 'r.0/1', type: 'lock', name: 'l', capacity: 1 }), ev('lock.request', 2, { lid: 'r.0', pid: 100, object: 'r.0/1' }), ev('lock.acquire', 2, { lid: 'r.0', pid: 100, object: 'r.0/1', waitedUs: 0 }), ev('lock.request', 5, { lid: 'r.1', pid: 101, object: 'r.0/1' })]
    for (const event of events) {
      locks.apply(event)
      activities.apply(event)
    }
    expect(activities.activityOf('r.1')!.activity).toMatchObject({ kind: 'waiting-lock', since: 5 })
    expect(locks.waitsOf('r.0/1')).toHaveLength(1)
  })

  it('shows the oldest of several open waits, and counts the others', () => {
    const activities = fold([start('r.0'), wait('r.0', 20_000, 2, 'join', { target: 'r.0.2' }), wait('r.0', 12_000, 1, 'join', { target: 'r.0.1' })])
    expect(activities.activityOf('r.0')).toEqual({ activity: { kind: 'waiting', on: 'join', object: null, target: 'r.0.1', since: 6000, timeoutMs: null }, others: 1 })
    activities.apply(resume('r.0', 30_000, 1))
    expect(activities.activityOf('r.0')).toEqual({ activity: { kind: 'waiting', on: 'join', object: null, target: 'r.0.2', since: 14_000, timeoutMs: null }, others: 0 })
  })

  it('ends every wait at the exit, whether the broker said gone first or not', () => {
    const activities = fold([start('r.0'), start('r.1'), wait('r.1', 10_000, 1, 'pipe.recv', { object: 'r.0/2' }), ev('process.exit', 20_000, { lid: 'r.1', pid: 101, exitCode: -9, signal: 'SIGKILL' })])
    expect(activities.activityOf('r.1')).toEqual({ activity: { kind: 'exited' }, others: 0 })
    // A resume after the exit (the broker's 'gone') changes nothing.
    expect(activities.apply(resume('r.1', 20_001, 1, 'gone'))).toBe(false)
    expect(activities.activityOf('r.1')!.activity).toEqual({ kind: 'exited' })
  })

  it('ignores what it cannot read: unknown waits, a resume of no wait, fields of the wrong type', () => {
    const activities = fold([start('r.0'), wait('r.0', 10_000, 1, 'dancing'), ev('process.wait', 11_000, { lid: 'r.0', wait: 'x', on: 'sleep' }), resume('r.0', 12_000, 7)])
    expect(activities.activityOf('r.0')!.activity).toEqual({ kind: 'running' })
  })

  it('starts afresh at a new run', () => {
    const activities = fold([start('r.0'), wait('r.0', 10_000, 1, 'sleep', { timeoutMs: 1000 }), ev('run.start', 20_000)])
    expect(activities.activityOf('r.0')).toBeNull()
    expect(activities.all().size).toBe(0)
  })
})

describe('activityParts', () => {
  const names = { objectName: (oid: string) => ({ 'r.0/1': 'orders' })[oid], processName: (lid: string) => ({ 'r.0.1': 'Process-1' })[lid] }

  it('gives the object and process names and how long it has waited', () => {
    expect(activityParts({ activity: { kind: 'waiting', on: 'queue.get', object: 'r.0/1', target: null, since: 1000, timeoutMs: 500 }, others: 0 }, names, 1_201_000)).toEqual({
      key: 'queue.get',
      objectName: 'orders',
      targetName: null,
      waitedUs: 1_200_000,
      timeoutMs: 500,
      others: 0,
    })
    expect(activityParts({ activity: { kind: 'waiting', on: 'join', object: null, target: 'r.0.1', since: 0, timeoutMs: null }, others: 2 }, names, 5)).toMatchObject({ key: 'join', targetName: 'Process-1', others: 2 })
    expect(activityParts({ activity: { kind: 'waiting-lock', object: 'r.0/9', since: 0 }, others: 0 }, names, 7)).toMatchObject({ key: 'lock', objectName: 'r.0/9', waitedUs: 7 })
    expect(activityParts({ activity: { kind: 'running' }, others: 0 }, names, 7)).toMatchObject({ key: 'running', waitedUs: null })
  })
})
