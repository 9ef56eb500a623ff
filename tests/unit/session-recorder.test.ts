import { readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createRecorder, loadSession, readSession, type Recorder } from '../../src-main/session/index'
import type { LabEvent } from '../../src-shared/events'
import { tempDir } from '../fixtures/session/helpers'

const header = { version: '0.1.0', platform: process.platform, startedAtWall: Date.UTC(2025, 0, 1), hostPid: process.pid }

function out(seq: number, line = `任务1 line ${seq}`): LabEvent {
  return { seq, t: seq * 10, runId: 'r', kind: 'stdout', lid: 'L1', pid: 4242, line }
}

let dir = ''
let cleanup = async () => {}
beforeEach(async () => {
  ;({ dir, cleanup } = await tempDir())
})
afterEach(() => cleanup())

describe('recorder', () => {
  it('writes the header first, with the marker fields', async () => {
    const file = join(dir, 's.ndjson')
    const recorder = await createRecorder(file, header)
    await recorder.close()
    const first = (await readFile(file, 'utf8')).split('\n')[0]!
    expect(first.startsWith('{"proclab":"session","format":1,')).toBe(true)
    expect(JSON.parse(first)).toEqual({ proclab: 'session', format: 1, ...header })
  })

  it('keeps every one of 300k events appended in a burst, in order, in few writes', async () => {
    const file = join(dir, 'load.ndjson')
    const recorder = await createRecorder(file, header)
    const total = 300_000
    for (let seq = 1; seq <= total; seq++) recorder.append(out(seq))
    expect(recorder.stats.eventsPending).toBeGreaterThan(0) // append did not wait for the disk
    await recorder.close()
    expect(recorder.stats).toMatchObject({ eventsWritten: total, dropped: 0, capped: false, eventsPending: 0 })
    expect(recorder.stats.writes).toBeLessThan(total / 100)
    expect(recorder.stats.bytesWritten).toBe((await stat(file)).size)
    let expected = 1
    let outOfOrder = 0
    const warnings: unknown[] = []
    for await (const record of readSession(file, { onWarning: (w) => warnings.push(w) })) {
      if (record.type !== 'event') continue
      if (record.event.seq !== expected) outOfOrder++
      expected++
    }
    expect(outOfOrder).toBe(0)
    expect(expected - 1).toBe(total)
    expect(warnings).toEqual([])
  })

  it('writes pending events within the flush interval without being asked', async () => {
    const file = join(dir, 'timer.ndjson')
    const recorder = await createRecorder(file, header, { flushIntervalMs: 50 })
    recorder.append(out(1))
    const headerSize = (await stat(file)).size
    const deadline = Date.now() + 1000
    while ((await stat(file)).size === headerSize && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
    expect((await stat(file)).size).toBeGreaterThan(headerSize)
    expect(recorder.stats.eventsWritten).toBe(1)
    await recorder.close()
  })

  it('flush() resolves once everything appended is on disk', async () => {
    const file = join(dir, 'flush.ndjson')
    const recorder = await createRecorder(file, header, { flushIntervalMs: 10_000 })
    for (let seq = 1; seq <= 1000; seq++) recorder.append(out(seq))
    await recorder.flush()
    const { events } = await loadSession(file)
    expect(events.length).toBe(1000)
    await recorder.close()
  })

  it('stops at the size cap with one session.capped line and counts what it dropped', async () => {
    const file = join(dir, 'cap.ndjson')
    const maxBytes = 64 * 1024
    const recorder = await createRecorder(file, header, { maxBytes })
    for (let seq = 1; seq <= 5000; seq++) recorder.append(out(seq))
    await recorder.flush()
    for (let seq = 5001; seq <= 5010; seq++) recorder.append(out(seq))
    await recorder.close()
    const size = (await stat(file)).size
    expect(size).toBeLessThanOrEqual(maxBytes)
    const { events, warnings } = await loadSession(file)
    expect(warnings).toEqual([])
    const last = events.at(-1)! as unknown as { kind: string; seq: number; maxBytes: number }
    expect(last.kind).toBe('session.capped')
    expect(last.maxBytes).toBe(maxBytes)
    const kept = events.length - 1
    expect(events.slice(0, kept).map((e) => e.seq)).toEqual(Array.from({ length: kept }, (_, i) => i + 1))
    expect(last.seq).toBe(kept + 1) // the marker sits where the first dropped event would have
    expect(recorder.stats).toMatchObject({ capped: true, eventsWritten: kept, dropped: 5010 - kept })
  })

  it('counts appends after close as dropped, and close twice is fine', async () => {
    const file = join(dir, 'closed.ndjson')
    const recorder: Recorder = await createRecorder(file, header)
    recorder.append(out(1))
    await Promise.all([recorder.close(), recorder.close()])
    recorder.append(out(2))
    expect(recorder.stats).toMatchObject({ eventsWritten: 1, dropped: 1 })
  })

  it('refuses to append to an existing file', async () => {
    const file = join(dir, 'exists.ndjson')
    await writeFile(file, 'something\n')
    await expect(createRecorder(file, header)).rejects.toMatchObject({ code: 'EEXIST' })
  })

  it.skipIf(process.platform !== 'linux')('records into a device (/dev/null), and reports a device that refuses the header (/dev/full) as ENOSPC', async () => {
    const sink = await createRecorder('/dev/null', header)
    sink.append(out(1))
    await sink.close()
    expect(sink.stats).toMatchObject({ eventsWritten: 1, error: null })
    await expect(createRecorder('/dev/full', header)).rejects.toMatchObject({ code: 'ENOSPC' })
  })

  it('survives an event JSON cannot hold', async () => {
    const file = join(dir, 'bigint.ndjson')
    const recorder = await createRecorder(file, header)
    recorder.append({ ...out(1), line: 1n } as unknown as LabEvent)
    recorder.append(out(2))
    await recorder.close()
    const { events } = await loadSession(file)
    expect(events.map((e) => [e.seq, e.kind])).toEqual([
      [1, 'lab.error'],
      [2, 'stdout'],
    ])
  })
})
