// A flood of output reaches UIs thinned (frames, snapshots), never miscounted: the lines sent plus
// the lines counted in gaps are exactly what each process printed, and a quiet process among
// floods loses nothing.
import { describe, expect, it } from 'vitest'
import type { EventFrame, RunSnapshot } from '../../src-shared/contract'
import type { FrameEvent, LabEvent } from '../../src-shared/events'
import { fairShares, thinOutput } from '../../src-shared/output-thinning'
import { LINE_LIMIT } from '../../src-main/host/run-backlog'
import { runSource } from '../helpers/lab'

function line(seq: number, lid: string, text = `line ${seq}`): LabEvent {
  return { kind: 'stdout', seq, t: seq * 10, runId: 'r1', lid, pid: 100, line: text }
}

/** Lines shown and lines counted in gaps, per process. */
function tally(events: readonly FrameEvent[]): Map<string, { shown: number; gapped: number }> {
  const byLid = new Map<string, { shown: number; gapped: number }>()
  for (const event of events) {
    if (event.kind !== 'stdout' && event.kind !== 'stderr' && event.kind !== 'output.gap') continue
    const entry = byLid.get(event.lid) ?? { shown: 0, gapped: 0 }
    if (event.kind === 'output.gap') entry.gapped += event.count
    else entry.shown++
    byLid.set(event.lid, entry)
  }
  return byLid
}

describe('output thinning', () => {
  it('shares a budget fairly: the quiet keep everything, the floods split the rest', () => {
    const shares = fairShares(
      new Map([
        ['quiet', 3],
        ['flood-a', 5_000],
        ['flood-b', 9_000],
      ]),
      1_000,
    )
    expect(shares.get('quiet')).toBe(3)
    expect(shares.get('flood-a')).toBe(498)
    expect(shares.get('flood-b')).toBe(499) // the last takes what rounding left
    expect(fairShares(new Map([['a', 10]]), 1_000).get('a')).toBe(10)
  })

  it('keeps each process its newest lines, a gap where the first left-out line was, and every other event', () => {
    const events: LabEvent[] = []
    let seq = 0
    for (let i = 0; i < 300; i++) {
      events.push(line(++seq, 'a'))
      if (i % 100 === 0) events.push({ kind: 'queue.put', seq: ++seq, t: seq * 10, runId: 'r1', lid: 'b', pid: 101, object: 'q1', depth: i })
    }
    events.push(line(++seq, 'quiet', 'the only line'))
    const thinned = thinOutput(events, 101)
    const counts = tally(thinned)
    expect(counts.get('a')).toEqual({ shown: 100, gapped: 200 })
    expect(counts.get('quiet')).toEqual({ shown: 1, gapped: 0 })
    expect(thinned.filter((e) => e.kind === 'queue.put')).toHaveLength(3)
    // In seq order, the gap first (standing for lines 1.. of 'a'), then the newest 100 lines of 'a'.
    const seqs = thinned.map((e) => e.seq)
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y))
    const gap = thinned.find((e) => e.kind === 'output.gap')
    expect(gap).toMatchObject({ seq: 1, lid: 'a', count: 200 })
    const keptA = thinned.filter((e) => e.kind === 'stdout' && e.lid === 'a')
    expect(keptA[0]).toMatchObject({ line: 'line 203' }) // 300 lines and 3 puts before it: the 201st line of 'a'
    expect(keptA.at(-1)).toMatchObject({ line: `line ${seq - 1}` })
    // Under budget, the very same array comes back.
    expect(thinOutput(events, 1_000)).toBe(events)
  })

  it('a real flood: every frame within its budget, every line of every process accounted for, in frames and in the snapshot', async () => {
    const frames: EventFrame[] = []
    let snapshot: RunSnapshot | null = null
    const run = await runSource(
      `
      import { Process, sleep } from 'proclab'
      export async function flood(tag) {
        for (let block = 0; block < 20; block++) {
          let text = ''
          for (let i = 0; i < 3000; i++) text += tag + ' ' + (block * 3000 + i) + '\\n'
          process.stdout.write(text)
          await sleep(5)
        }
      }
      export async function quiet() {
        for (let i = 0; i < 3; i++) { console.log('quiet ' + i); await sleep(50) }
      }
      export default async function main() {
        const children = [new Process({ target: flood, args: ['a'], name: 'flood-a' }), new Process({ target: flood, args: ['b'], name: 'flood-b' }), new Process({ target: quiet, name: 'quiet' })]
        for (const c of children) await c.start()
        for (const c of children) await c.join()
      }
    `,
      {
        during: async (host) => {
          host.onFrame((frame) => frames.push(frame))
          await new Promise<void>((resolve) => host.onEvent((event) => event.kind === 'run.end' && resolve()))
          snapshot = await host.call('run.snapshot', {})
        },
      },
    )
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const printed = new Map(run.starts.map((s) => [s.lid, run.lines(s.name).length]))
    expect(printed.get(run.start('flood-a').lid)).toBe(60_000)

    const framed = tally(frames.flatMap((f) => f.events))
    for (const [lid, count] of printed) {
      const seen = framed.get(lid) ?? { shown: 0, gapped: 0 }
      expect(seen.shown + seen.gapped, `lines of ${lid} in frames`).toBe(count)
    }
    expect(framed.get(run.start('quiet').lid)).toEqual({ shown: 3, gapped: 0 })
    expect(framed.get(run.start('flood-a').lid)!.gapped).toBeGreaterThan(0)
    for (const frame of frames) expect(frame.events.filter((e) => e.kind === 'stdout' || e.kind === 'stderr').length).toBeLessThanOrEqual(1_000)

    if (!snapshot) throw new Error('no snapshot taken')
    const snap = snapshot as RunSnapshot
    const snapped = tally(snap.events)
    let shown = 0
    for (const [lid, count] of printed) {
      const seen = snapped.get(lid) ?? { shown: 0, gapped: 0 }
      expect(seen.shown + seen.gapped, `lines of ${lid} in the snapshot`).toBe(count)
      shown += seen.shown
    }
    expect(shown).toBeLessThanOrEqual(LINE_LIMIT + 5_000)
    expect(snap.events.map((e) => e.kind)).toContain('run.end')
  })
})

describe('run backlog', () => {
  it('keeps every event the process fold reads past its event limit: a late UI sees the OS process, the zombie and the orphan', async () => {
    const { RunBacklog, EVENT_LIMIT } = await import('../../src-main/host/run-backlog')
    const { ProcessFold } = await import('../../src-shared/folds/processes')
    const backlog = new RunBacklog()
    backlog.startRun('r1')
    let seq = 0
    const stamp = (event: Record<string, unknown>) => ({ seq: ++seq, t: seq, runId: 'r1', ...event }) as LabEvent
    const events = [stamp({ kind: 'process.start', lid: 'r1.0', pid: 100, ppid: 1, name: 'MainProcess', daemon: false, parentLid: null, target: 'main' })]
    // A flood of object operations fills the backlog's budget first.
    for (let i = 0; i < EVENT_LIMIT; i++) events.push(stamp({ kind: 'queue.put', lid: 'r1.0', pid: 100, object: 'q', depth: i }))
    events.push(
      stamp({ kind: 'os.start', lid: 'r1.0.os1', pid: 300, ppid: 100, parentLid: 'r1.0', command: 'sleep 5' }),
      stamp({ kind: 'process.zombie', lid: 'r1.0.os1', pid: 300, ppid: 100 }),
      stamp({ kind: 'process.reparent', lid: 'r1.0.os1', pid: 300, oldPpid: 100, newPpid: 1, newParentName: 'init' }),
      stamp({ kind: 'os.exit', lid: 'r1.0.os1', pid: 300, exitCode: null, signal: null, reapedBy: 'other' }),
    )
    const early = new ProcessFold()
    for (const event of events) {
      backlog.push(event)
      early.apply(event)
    }
    const late = new ProcessFold()
    for (const event of backlog.snapshot()) late.apply(event)
    expect(late.all()).toEqual(early.all())
    expect(late.get('r1.0.os1')).toMatchObject({ os: true, ppid: 1, exited: true })
  })
})
