// Stuck pipe readers named (process.stuck, issue 17) on real processes: a reader that keeps its own
// copy of the write end waits in recv() after the last message, and once no other process holds
// that end the broker names the wait; a reader that another live process will send to is never named,
// nor one whose recv ends in EOFError.
import { describe, expect, it } from 'vitest'
import type { EventOf } from '../../src-shared/events'
import { runSource, type RunResult } from '../helpers/lab'

const READER = `
import { EOFError, Event, Pipe, Process, sleep } from 'proclab'

export async function reader(readEnd, writeEnd, closeOwn, ready) {
  if (closeOwn) await writeEnd.close()
  await ready?.set()
  try {
    for (;;) console.log('got', await readEnd.recv())
  } catch (error) {
    if (!(error instanceof EOFError)) throw error
    console.log('EOF')
  }
}

export async function writer(writeEnd, ready) {
  // Sends only once the reader is about to block in recv(), so its first wait is one the writer
  // serves (a reader that started late on a busy machine found the message already there).
  await ready.wait()
  await sleep(500)
  await writeEnd.send('late')
}

export default async function main() {
  const [readEnd, writeEnd] = Pipe({ duplex: false })
  const mode = process.env.READER_MODE
  const ready = mode === 'served' ? new Event() : null
  const r = new Process({ target: reader, args: [readEnd, writeEnd, mode === 'closes', ready], name: 'reader' })
  await r.start()
  if (mode === 'served') {
    const w = new Process({ target: writer, args: [writeEnd, ready], name: 'writer' })
    await w.start()
    await readEnd.close()
    await writeEnd.close()
    await w.join()
    // The writer has gone: from now on the reader is the only one that could send.
    await r.join(1500)
  } else {
    for (const m of ['a', 'b', 'c']) await writeEnd.send(m)
    await readEnd.close()
    await writeEnd.close()
    await r.join(2000)
  }
  if (r.isAlive()) {
    console.log('terminating the reader')
    r.terminate()
    await r.join()
  }
}
`

async function runMode(mode: string): Promise<RunResult> {
  process.env.READER_MODE = mode
  try {
    return await runSource(READER)
  } finally {
    delete process.env.READER_MODE
  }
}

const stuckOf = (run: RunResult) => run.events.filter((e): e is EventOf<'process.stuck'> => e.kind === 'process.stuck')

describe('stuck pipe readers', () => {
  it('a reader holding the write end itself is named once main has closed its ends', async () => {
    const run = await runMode('stuck')
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    expect(run.lines('reader')).toEqual(['got a', 'got b', 'got c'])
    const reader = run.start('reader')
    const stuck = stuckOf(run)
    expect(stuck).toEqual([expect.objectContaining({ lid: reader.lid, on: 'pipe.recv' })])
    // It names the wait the reader reported, on the pipe, and that wait ends only when it is killed.
    const wait = run.events.find((e): e is EventOf<'process.wait'> => e.kind === 'process.wait' && e.lid === reader.lid && e.wait === stuck[0]!.wait)!
    expect(wait.object).toBe(stuck[0]!.object)
    expect(wait.seq).toBeLessThan(stuck[0]!.seq)
    const resume = run.events.find((e): e is EventOf<'process.resume'> => e.kind === 'process.resume' && e.lid === reader.lid && e.wait === stuck[0]!.wait)!
    expect(resume.outcome).toBe('gone')
    const said = run.events.find((e) => e.kind === 'stdout' && e.line === 'terminating the reader')!
    expect(stuck[0]!.seq).toBeLessThan(said.seq)
  })

  it('a reader that another live process sends to is not named, though it waits', async () => {
    const run = await runMode('served')
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const reader = run.start('reader')
    // It did wait (reported), and that wait was served by the writer: not named.
    const waits = run.events.filter((e): e is EventOf<'process.wait'> => e.kind === 'process.wait' && e.lid === reader.lid && e.on === 'pipe.recv')
    expect(waits.length).toBeGreaterThan(0)
    const served = run.events.find((e): e is EventOf<'process.resume'> => e.kind === 'process.resume' && e.lid === reader.lid && e.wait === waits[0]!.wait)!
    expect(served.outcome).toBe('done')
    expect(run.lines('reader')[0]).toBe('got late')
    // After the writer left it waits again, this time for good: that wait, and only that one, is named.
    const stuck = stuckOf(run)
    expect(stuck).toHaveLength(1)
    expect(stuck[0]!.wait).not.toBe(waits[0]!.wait)
    expect(stuck[0]!.seq).toBeGreaterThan(served.seq)
  })

  it('a reader that closed its own write end gets EOFError and is never named', async () => {
    const run = await runMode('closes')
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    expect(run.lines('reader')).toEqual(['got a', 'got b', 'got c', 'EOF'])
    expect(stuckOf(run)).toEqual([])
  })
})
