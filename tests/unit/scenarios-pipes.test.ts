// The pipe chapter's scenarios: a reader that closes its copy of the write end sees all messages
// and then EOF; one that forgets hangs until it gives up. Run through a real host.
import { describe, expect, it } from 'vitest'
import type { EventOf } from '../../src-shared/events'
import { runLab, type RunResult } from '../helpers/lab'

function pipeEvents(run: RunResult) {
  const created = run.events.filter((e): e is EventOf<'object.create'> => e.kind === 'object.create' && e.type === 'pipe')
  expect(created).toHaveLength(1)
  return run.events.filter((e): e is EventOf<'pipe.send' | 'pipe.recv' | 'pipe.close' | 'pipe.eof'> => e.kind.startsWith('pipe.') && (e as { object?: string }).object === created[0]!.object)
}

/** Messages the events stand for: a shared-memory pipe's event summarises `count` of them. */
function messages(events: EventOf<'pipe.send' | 'pipe.recv' | 'pipe.close' | 'pipe.eof'>[]): number {
  return events.reduce((n, e) => n + ('count' in e ? (e.count ?? 1) : 1), 0)
}

describe('pipes', () => {
  it('pipe-eof: the reader gets all 100 messages, then EOFError', async () => {
    const run = await runLab({ scenario: 'pipe-eof' })
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    expect(run.lines('reader')).toEqual(['reader: got 100 messages (last "message 100"), then EOFError: every write end is closed'])
    expect(run.lines('MainProcess')).toContain('reader exited with 0: EOFError ended its loop')
    const events = pipeEvents(run)
    const main = run.start('MainProcess').lid
    const reader = run.start('reader').lid
    expect(messages(events.filter((e) => e.kind === 'pipe.send' && e.lid === main && e.end === 1))).toBe(100)
    expect(messages(events.filter((e) => e.kind === 'pipe.recv' && e.lid === reader && e.end === 0))).toBe(100)
    // Both processes closed the write end (1); then the read end (0) reached EOF.
    const closes = events.filter((e) => e.kind === 'pipe.close' && e.end === 1).map((e) => e.lid)
    expect(closes.sort()).toEqual([main, reader].sort())
    const eof = events.findIndex((e) => e.kind === 'pipe.eof' && e.end === 0)
    expect(eof).toBeGreaterThan(events.findLastIndex((e) => e.kind === 'pipe.close' && e.end === 1))
    expect(events.filter((e) => e.kind === 'pipe.eof' && e.end === 0)).toHaveLength(1)
  })

  it('pipe-hang: a reader holding its own write end never sees EOF, gives up by a timeout, and gets EOF once it closes it', async () => {
    const run = await runLab({ scenario: 'pipe-hang' })
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const lines = run.lines('reader')
    // It kept waiting with nothing coming (at least four empty polls in a row before giving up) ...
    expect(lines.filter((l) => /^reader: \d+ messages so far; nothing for 400 ms, and no EOF either$/.test(l)).length).toBeGreaterThanOrEqual(4)
    const gaveUp = lines.findIndex((l) => l.startsWith('reader: gave up waiting after 1600 ms of silence. It hung because this process still holds the write end itself'))
    expect(gaveUp).toBeGreaterThanOrEqual(0)
    // ... though main had sent everything and closed its end.
    expect(run.lines('MainProcess')).toContain('writer: sent 100 messages and closed the write end')
    expect(run.lines('MainProcess')).toContain('reader exited with 0')
    // After the late fix, EOF came, and no message was lost.
    expect(lines.at(-1)).toMatch(/^reader: closed my own write end; EOFError came at once \(after \d+ more messages, 100 in all\)$/)
    const events = pipeEvents(run)
    const reader = run.start('reader').lid
    const main = run.start('MainProcess').lid
    // EOF came only when the reader itself let go of the write end, long after main had closed it.
    const mainClose = events.find((e) => e.kind === 'pipe.close' && e.end === 1 && e.lid === main)!
    const readerClose = events.find((e) => e.kind === 'pipe.close' && e.end === 1 && e.lid === reader)!
    const eof = events.find((e) => e.kind === 'pipe.eof' && e.end === 0)!
    expect(mainClose.seq).toBeLessThan(readerClose.seq)
    expect(eof.lid).toBe(reader)
    expect(eof.seq).toBeGreaterThan(readerClose.seq)
    expect(readerClose.t - mainClose.t).toBeGreaterThanOrEqual(1_000_000)
  })
})
