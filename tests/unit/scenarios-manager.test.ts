// The manager-dict scenario: four workers write into a plain object (each into its own copy: the
// main process's stays empty), then into a Manager's dict and list (every write a call to the
// broker: the main process reads all four). Checked from its output and the host's events.
import { describe, expect, it } from 'vitest'
import type { EventOf } from '../../src-shared/events'
import { runLab, type RunResult } from '../helpers/lab'

function objectId(run: RunResult, name: string): string {
  const event = run.events.find((e): e is EventOf<'object.create'> => e.kind === 'object.create' && e.name === name)
  expect(event, `object.create of ${name}`).toBeDefined()
  return event!.object
}

describe('manager-dict', () => {
  it('shares results only through the managed dict and list', async () => {
    const run = await runLab({ scenario: 'manager-dict' })
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const main = run.lines('MainProcess')
    expect(main).toContain('main: the plain object holds {}: each worker changed its own copy')
    expect(main).toContain('main: the managed dict holds {"worker-1":1,"worker-2":4,"worker-3":9,"worker-4":16} (4 entries)')
    // Later workers sleep less, but on a busy machine starting one takes longer than that: any order.
    const order = main.map((line) => /^main: the managed list says who finished first: (.*)$/.exec(line)?.[1]).find((names) => names !== undefined)
    expect(order?.split(', ').sort()).toEqual(['worker-1', 'worker-2', 'worker-3', 'worker-4'])
    for (let n = 1; n <= 4; n++) {
      expect(run.lines(`plain-${n}`)).toEqual([`plain-${n}: ${n} × ${n} = ${n * n}, written into my own copy of the object`])
      expect(run.exitCode(`worker-${n}`)).toBe(0)
    }

    // Each worker's set and append is an event from that worker; the last write shows the contents.
    const results = objectId(run, 'results')
    const sets = run.events.filter((e): e is EventOf<'manager.write'> => e.kind === 'manager.write' && e.object === results && e.op === 'set')
    expect(sets.map((e) => run.starts.find((s) => s.lid === e.lid)?.name).sort()).toEqual(['worker-1', 'worker-2', 'worker-3', 'worker-4'])
    expect(sets.at(-1)).toMatchObject({ size: 4, more: 0 })
    // In the order they were written, which is the order the workers finished in.
    const squareOf = (key: string | null) => String(Number(/worker-(\d)/.exec(key ?? '')?.[1]) ** 2)
    expect(sets.at(-1)!.entries).toEqual(sets.map((e) => ({ key: e.key, value: squareOf(e.key) })))
    const finished = objectId(run, 'finished')
    expect(run.events.filter((e) => e.kind === 'manager.write' && e.object === finished && e.op === 'append')).toHaveLength(4)
  })

  it('prints in Chinese when the run is started in Chinese', async () => {
    const run = await runLab({ scenario: 'manager-dict', lang: 'zh' })
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    expect(run.lines('MainProcess')).toContain('主进程：普通对象里是 {}：每个工作进程改的都是自己的那份')
    expect(run.lines('MainProcess')).toContain('主进程：托管的 dict 里是 {"worker-1":1,"worker-2":4,"worker-3":9,"worker-4":16}（共 4 项）')
  })
})
