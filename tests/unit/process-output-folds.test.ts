// The process and output folds on hand-written streams, typed and loosely parsed (sessions recorded
// by older hosts), and the activity fold's waits as spans (what the timeline draws).
import { describe, expect, it } from 'vitest'
import { ProcessFold, type ProcessFoldInput } from '../../src-shared/folds/processes'
import { itemOf, OutputFold, type OutputFoldInput } from '../../src-shared/folds/output'
import { ActivityFold, type WaitSpan } from '../../src-shared/folds/activity'

let seq = 0
function ev(kind: string, t: number, fields: Record<string, unknown> = {}): ProcessFoldInput & OutputFoldInput & { seq: number } {
  return { seq: ++seq, kind, t, ...fields }
}
const start = (lid: string, pid: number, t: number, extra: Record<string, unknown> = {}) =>
  ev('process.start', t, { lid, pid, ppid: 1, name: lid, daemon: false, parentLid: null, target: 'main', ...extra })

function folded(events: ProcessFoldInput[]): ProcessFold {
  const fold = new ProcessFold()
  for (const event of events) fold.apply(event)
  return fold
}

describe('ProcessFold', () => {
  it('keeps each process from its start to its exit, with its parent and how it ended', () => {
    const fold = folded([
      ev('run.start', 0),
      start('r.0', 100, 10),
      start('r.1', 101, 20, { ppid: 100, parentLid: 'r.0', name: 'worker', daemon: true, target: 'work' }),
      ev('process.exit', 30, { lid: 'r.1', pid: 101, exitCode: -15, signal: 'SIGTERM' }),
    ])
    expect(fold.order).toEqual(['r.0', 'r.1'])
    expect(fold.get('r.1')).toEqual({ lid: 'r.1', pid: 101, ppid: 100, name: 'worker', daemon: true, parentLid: 'r.0', target: 'work', startT: 20, exitT: 30, exitCode: -15, signal: 'SIGTERM', exited: true, os: false, zombie: false, order: 1 })
    expect(fold.get('r.0')!.exited).toBe(false)
  })

  it('names an OS process by its program, marks it a zombie until it is reaped, and notes each', () => {
    const fold = new ProcessFold()
    fold.apply(start('r.0', 100, 0))
    expect(fold.apply(ev('os.start', 5, { lid: 'r.0.os1', pid: 300, ppid: 100, parentLid: 'r.0', command: 'sleep 30' }))!.process).toMatchObject({ name: 'sleep', target: 'sleep 30', os: true, parentLid: 'r.0' })
    expect(fold.apply(ev('process.zombie', 6, { lid: 'r.0.os1', pid: 300, ppid: 100 }))).toMatchObject({ what: 'zombie', note: { what: 'zombie', ppid: 100 } })
    expect(fold.get('r.0.os1')!.zombie).toBe(true)
    expect(fold.apply(ev('os.exit', 7, { lid: 'r.0.os1', pid: 300, exitCode: 0, signal: null, reapedBy: 'parent' }))).toMatchObject({ what: 'exit', note: { what: 'reaped', exitCode: 0, reapedBy: 'parent' } })
    expect(fold.get('r.0.os1')).toMatchObject({ zombie: false, exited: true, exitT: 7, exitCode: 0 })
    // A zombie report that crossed its reaping changes nothing.
    expect(fold.apply(ev('process.zombie', 8, { lid: 'r.0.os1', pid: 300, ppid: 100 }))).toBeNull()
  })

  it('follows an orphan to its new parent', () => {
    const fold = folded([start('r.0', 100, 0), start('r.1', 101, 1, { ppid: 100, parentLid: 'r.0' })])
    expect(fold.apply(ev('process.reparent', 5, { lid: 'r.1', pid: 101, oldPpid: 100, newPpid: 1, newParentName: 'systemd' }))!.note).toEqual({ what: 'reparent', oldPpid: 100, newPpid: 1, newParentName: 'systemd' })
    expect(fold.get('r.1')!.ppid).toBe(1)
    // The lab parent stays its lab parent: the tree still shows who started it.
    expect(fold.get('r.1')!.parentLid).toBe('r.0')
  })

  it('reads an older session: fields missing or of the wrong type, an exit whose start was cut', () => {
    const fold = folded([
      ev('process.start', 3, { lid: 'r.0', pid: 100 }),
      ev('process.start', 4, { lid: 'r.1', pid: 'x', name: 7 }),
      ev('process.exit', 5, { lid: 'r.9', pid: 109, exitCode: 1, signal: null }),
      ev('process.exit', 6, { lid: 'r.0', exitCode: '0' }),
      ev('process.start', 7, { pid: 102, name: 'no lid' }),
    ])
    expect(fold.get('r.0')).toMatchObject({ name: 'pid 100', ppid: 0, daemon: false, parentLid: null, target: '', exited: true, exitCode: null, signal: null })
    expect(fold.get('r.1')).toMatchObject({ pid: 0, name: 'pid 0' })
    expect(fold.get('r.9')).toBeUndefined()
    expect(fold.order).toEqual(['r.0', 'r.1'])
  })

  it('starts over at a new run, and keeps a restarted lid in its place', () => {
    const fold = folded([start('r.0', 100, 0), start('r.1', 101, 1), start('r.0', 200, 2)])
    expect(fold.get('r.0')).toMatchObject({ pid: 200, order: 0, startT: 2 })
    expect(fold.order).toEqual(['r.0', 'r.1'])
    fold.apply(ev('run.start', 10))
    expect(fold.all()).toEqual([])
  })
})

describe('OutputFold', () => {
  it('counts lines per process and stream, gaps as the lines they stand for', () => {
    const fold = new OutputFold()
    fold.apply(ev('stdout', 1, { lid: 'r.0', pid: 100, line: 'hello' }))
    fold.apply(ev('stderr', 2, { lid: 'r.0', pid: 100, line: 'oops' }))
    fold.apply(ev('output.gap', 3, { lid: 'r.1', pid: 101, count: 40 }))
    fold.apply(ev('process.exit', 4, { lid: 'r.0', pid: 100 }))
    expect(fold.total).toBe(42)
    expect(fold.linesOf('r.0')).toEqual({ stdout: 1, stderr: 1, gapped: 0 })
    expect(fold.linesOf('r.1')).toEqual({ stdout: 0, stderr: 0, gapped: 40 })
    expect(fold.rows.map((row) => row.kind)).toEqual(['line', 'line', 'gap'])
  })

  it('keeps the newest rows and counts those it let go', () => {
    const fold = new OutputFold({ maxLines: 10 })
    for (let i = 0; i < 5_020; i++) fold.apply(ev('stdout', i, { lid: 'r.0', pid: 100, line: `line ${i}` }))
    expect(fold.total).toBe(5_020)
    // Trimmed in steps: once past the limit and its slack, down to the limit; then it grows again.
    expect(fold.rows.length).toBe(19)
    expect(fold.dropped + fold.rows.length).toBe(5_020)
    expect(fold.rows[0]).toMatchObject({ text: 'line 5001' })
    expect(fold.rows[18]).toMatchObject({ text: 'line 5019' })
  })

  it('lets a reader put rows of its own among the lines, and keep none when it only counts', () => {
    const fold = new OutputFold<string>({ row: (item) => (item.kind === 'line' ? item.text : `gap ${item.count}`), linesIn: () => 1 })
    fold.apply(ev('stdout', 1, { lid: 'r.0', pid: 100, line: 'a' }))
    fold.push('a note')
    expect(fold.rows).toEqual(['a', 'a note'])
    expect(fold.total).toBe(1)
    const counting = new OutputFold({ maxLines: 0 })
    counting.apply(ev('stdout', 1, { lid: 'r.0', pid: 100, line: 'a' }))
    expect([counting.rows.length, counting.total]).toEqual([0, 1])
  })

  it('reads an older or damaged line: no lid is no line, a missing text is empty, a bad gap counts none', () => {
    expect(itemOf(ev('stdout', 1, { pid: 100, line: 'x' }))).toBeNull()
    expect(itemOf(ev('stdout', 1, { lid: 'r.0', line: 5 }))).toMatchObject({ kind: 'line', pid: 0, text: '5' })
    expect(itemOf(ev('stderr', 1, { lid: 'r.0', pid: 100 }))).toMatchObject({ stream: 'stderr', text: '' })
    expect(itemOf(ev('output.gap', 1, { lid: 'r.0', pid: 100, count: -3 }))).toMatchObject({ kind: 'gap', count: 0 })
    expect(itemOf(ev('process.exit', 1, { lid: 'r.0' }))).toBeNull()
  })

  it('starts over at a new run', () => {
    const fold = new OutputFold()
    fold.apply(ev('stdout', 1, { lid: 'r.0', pid: 100, line: 'a' }))
    fold.apply(ev('run.start', 2))
    expect([fold.rows.length, fold.total, fold.processes().size]).toEqual([0, 0, 0])
  })
})

describe('ActivityFold waits as spans', () => {
  it('opens a wait from when the call began and closes it at its resume, or at its process’s exit', () => {
    const opened: WaitSpan[] = []
    const closed: WaitSpan[] = []
    const fold = new ActivityFold(undefined, { opened: (span) => opened.push(span), closed: (span) => closed.push(span) })
    fold.apply(ev('process.start', 0, { lid: 'r.0', pid: 100 }))
    fold.apply(ev('process.wait', 10_000, { lid: 'r.0', pid: 100, wait: 1, on: 'queue.get', object: 'r.0/1', target: null, timeoutMs: null, waitedUs: 6_000 }))
    fold.apply(ev('process.resume', 20_000, { lid: 'r.0', pid: 100, wait: 1, outcome: 'timeout', waitedUs: 16_000 }))
    fold.apply(ev('process.wait', 30_000, { lid: 'r.0', pid: 100, wait: 2, on: 'join', object: null, target: 'r.1', timeoutMs: null, waitedUs: 5_000 }))
    // An older host's resume said no outcome: done.
    fold.apply(ev('process.wait', 31_000, { lid: 'r.0', pid: 100, wait: 3, on: 'sleep', waitedUs: 5_000 }))
    fold.apply(ev('process.resume', 32_000, { lid: 'r.0', pid: 100, wait: 3 }))
    fold.apply(ev('process.exit', 40_000, { lid: 'r.0', pid: 100, exitCode: 0, signal: null }))
    expect(opened.map((s) => [s.on, s.start])).toEqual([['queue.get', 4_000], ['join', 25_000], ['sleep', 26_000]])
    expect(closed.map((s) => [s.wait, s.start, s.end, s.outcome])).toEqual([
      [1, 4_000, 20_000, 'timeout'],
      [3, 26_000, 32_000, 'done'],
      [2, 25_000, 40_000, 'gone'],
    ])
    expect(closed.every((s) => opened.includes(s))).toBe(true)
  })
})
