// Commands from outside (renderer, WebSocket) are validated: wrong input is a clear error, never a crash.
import { describe, expect, it } from 'vitest'
import type { RunSnapshot } from '../../src-shared/contract'
import { runSource, withHost } from '../helpers/lab'

describe('host commands from outside', () => {
  it('answers malformed and unknown commands with bad-request and keeps working', async () => {
    await withHost({}, async (host) => {
      const bad: unknown[] = [
        null,
        'run.start',
        42,
        { id: 1 },
        { id: 2, cmd: 'rm -rf /' },
        { id: 3, cmd: 'run.start', args: { scenario: 7 } },
        { id: 4, cmd: 'run.start', args: { scenario: 'join', script: '/x.mjs' } },
        { id: 5, cmd: 'process.signal', args: { pid: -1, signal: 'SIGTERM' } },
        { id: 6, cmd: 'process.signal', args: { pid: 10, signal: 'SIGSEGV' } },
        { id: 7, cmd: 'process.join', args: { pid: 1.5 } },
        { id: 8, cmd: 'hello', args: { extra: true } },
        { id: -1, cmd: 'hello' },
        { id: 9, cmd: 'hello', args: {}, more: 1 },
      ]
      for (const raw of bad) {
        const response = await host.handle(raw)
        expect(response.ok, JSON.stringify(raw)).toBe(false)
        if (!response.ok) {
          expect(response.error.code).toBe('bad-request')
          expect(response.error.message.length).toBeGreaterThan(10)
        }
      }
      const hello = await host.handle({ id: 10, cmd: 'hello' })
      expect(hello).toMatchObject({ id: 10, ok: true, value: { app: 'proclab', hostPid: process.pid } })
    })
  })

  it('refuses what it must: unknown scenario, missing script, pid 1, itself, a second run', async () => {
    await withHost({}, async (host) => {
      expect(await host.handle({ id: 1, cmd: 'run.start', args: { scenario: 'nope' } })).toMatchObject({ ok: false, error: { code: 'not-found' } })
      expect(await host.handle({ id: 2, cmd: 'run.start', args: { script: '/no/such/lab.mjs' } })).toMatchObject({ ok: false, error: { code: 'not-found' } })
      expect(await host.handle({ id: 3, cmd: 'run.start', args: { script: '/etc/passwd' } })).toMatchObject({ ok: false, error: { code: 'bad-request' } })
      expect(await host.handle({ id: 4, cmd: 'process.signal', args: { pid: 1, signal: 'SIGKILL' } })).toMatchObject({ ok: false, error: { code: 'refused' } })
      expect(await host.handle({ id: 5, cmd: 'process.signal', args: { pid: process.pid, signal: 'SIGKILL' } })).toMatchObject({ ok: false, error: { code: 'refused' } })
      expect(await host.handle({ id: 6, cmd: 'process.join', args: { pid: process.pid } })).toMatchObject({ ok: false, error: { code: 'not-found' } })
      expect(await host.handle({ id: 7, cmd: 'run.start', args: { scenario: 'long-sleeper' } })).toMatchObject({ ok: true })
      expect(await host.handle({ id: 8, cmd: 'run.start', args: { scenario: 'join' } })).toMatchObject({ ok: false, error: { code: 'busy' } })
      const scenarios = await host.call('scenarios.list', {})
      expect(scenarios.map((s) => s.id)).toEqual(expect.arrayContaining(['join', 'join-serial', 'long-sleeper']))
      for (const s of scenarios) expect(s.title.zh.length && s.lesson.en.length).toBeGreaterThan(0)
      const snapshot = await host.call('run.snapshot', {})
      expect(snapshot.running).toBe(true)
      expect(snapshot.events[0]?.kind).toBe('run.start')
      expect(await host.call('run.stop', {})).toEqual({ stopped: true })
    })
  })

  it('coalesces events into frames for UIs', async () => {
    await withHost({ frameIntervalMs: 50 }, async (host) => {
      const frames: number[] = []
      host.onFrame((frame) => frames.push(frame.events.length))
      let ended!: () => void
      const done = new Promise<void>((resolve) => (ended = resolve))
      let count = 0
      host.onEvent((event) => {
        count++
        if (event.kind === 'run.end') ended()
      })
      await host.call('run.start', { scenario: 'hello' })
      await done
      await new Promise((resolve) => setTimeout(resolve, 120))
      expect(frames.reduce((a, b) => a + b, 0)).toBe(count)
      expect(frames.length).toBeLessThan(count)
    })
  })

  it('keeps the run’s shape in the snapshot past its limit: a late UI still sees every exit and the end', async () => {
    let snapshot: RunSnapshot | null = null
    const run = await runSource(`
      import { Process } from 'proclab'
      export async function flood() { process.stdout.write('line\\n'.repeat(120000)) }
      export default async function main() {
        const p = new Process({ target: flood }); await p.start(); await p.join()
        console.log('main after the flood')
      }
    `, {
      during: async (host) => {
        // Read the snapshot only once the run is over: it must still tell how it ended.
        await new Promise<void>((resolve) => host.onEvent((event) => event.kind === 'run.end' && resolve()))
        snapshot = await host.call('run.snapshot', {})
      },
    })
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    if (!snapshot) throw new Error('no snapshot taken')
    const { events } = snapshot as RunSnapshot
    expect(events.length).toBeLessThan(run.events.length)
    const kinds = events.map((e) => e.kind)
    expect(kinds.filter((k) => k === 'process.exit')).toHaveLength(2)
    expect(kinds.at(-1)).toBe('run.end')
  })
})
