// Limits on a lab socket hold before anything is allocated: a connection that has not said who it
// is may send one small frame, and only so many such connections are kept. An item too big for a
// frame is a clear error where it was sent, and the process goes on.
import { mkdtempSync, rmSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { MAX_UNADMITTED } from '../../src-main/lab/supervisor/broker'
import { MAX_FRAME } from '../../src-main/lab/wire'
import { runSource, scriptDir, waitUntil } from '../helpers/lab'
import { brokerAddressOf, memoryOf, rawClient, REFUSAL_GUARD_MS, startCliHost, waitForReady, WAITING_SCRIPT, type CliHost } from '../helpers/lab-socket'
import { onWindows } from '../helpers/platform'
import { results } from '../helpers/results'

const MiB = 1024 * 1024
/** libuv's default number of named pipe instances a Windows pipe server keeps open for clients. */
const PENDING_PIPE_INSTANCES = 4
const cleanups: Array<() => void> = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup()
})

function waitingHost(): { host: CliHost; socket: () => string; go: () => Promise<void> } {
  const base = mkdtempSync(join(tmpdir(), 'proclab-limits-'))
  const scripts = scriptDir()
  const goFile = join(scripts.dir, 'go')
  const host = startCliHost(scripts.write('wait.mjs', WAITING_SCRIPT), { tmp: base, go: goFile })
  cleanups.push(() => {
    host.child.kill('SIGKILL')
    scripts.cleanup()
    rmSync(base, { recursive: true, force: true })
  })
  return {
    host,
    socket: () => brokerAddressOf(goFile),
    go: async () => {
      scripts.write('go', '')
      expect(await host.exited, host.output()).toBe(0)
      expect(host.output()).toContain('MainProcess │ answer 42')
    },
  }
}

/**
 * Connects as a patient client does: past the listen backlog (511) a Unix socket refuses with EAGAIN
 * while the host has not yet accepted those before, which a loaded machine shows (a CI run waited
 * for a 'connect' that never came); then it tries again a little later.
 */
async function connectWhenAccepted(path: string): Promise<Socket> {
  for (;;) {
    const client = connect(path)
    const outcome = await new Promise<Error | null>((resolve) => {
      client.once('connect', () => resolve(null))
      client.once('error', resolve)
    })
    if (outcome === null) return client
    client.destroy()
    if ((outcome as NodeJS.ErrnoException).code !== 'EAGAIN') throw outcome
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

function header(length: number): Buffer {
  const bytes = Buffer.alloc(4)
  bytes.writeUInt32BE(length)
  return bytes
}

describe('before a connection says who it is', () => {
  it('connections that announce 256 MiB frames and send bytes do not grow the host', async () => {
    const { host, socket, go } = waitingHost()
    await waitForReady(host)
    const before = memoryOf(host.pid)
    const bytes = Buffer.alloc(32 * MiB, 1)
    const fates = await Promise.all(Array.from({ length: 8 }, () => rawClient(socket(), [header(256 * MiB), bytes], REFUSAL_GUARD_MS)))
    const after = memoryOf(host.pid)
    expect(fates.every((fate) => fate.connected && fate.closedByHost), JSON.stringify(fates)).toBe(true)
    // 8 × 32 MiB were sent; the host kept none of it (its peak, VmHWM, moved by less than 32 MiB in all).
    expect(after.peak - before.peak, `peak ${before.peak} → ${after.peak} KiB`).toBeLessThan(32 * 1024)
    expect(after.rss - before.rss, `rss ${before.rss} → ${after.rss} KiB`).toBeLessThan(32 * 1024)
    await go()
  })

  it('keeps at most MAX_UNADMITTED silent connections, dropping the oldest, and still serves', async () => {
    const { host, socket, go } = waitingHost()
    await waitForReady(host)
    const extra = 50
    const sockets: Socket[] = []
    const closed = new Set<number>()
    cleanups.push(() => sockets.forEach((s) => s.destroy()))
    for (let i = 0; i < MAX_UNADMITTED + extra; i++) {
      // Connected one after another, so "oldest" has a meaning.
      const client = await connectWhenAccepted(socket())
      client.on('error', () => undefined)
      client.on('close', () => closed.add(i))
      sockets.push(client)
    }
    await waitUntil(() => closed.size >= extra, 10_000, `${extra} silent connections to be dropped (dropped: ${closed.size})`)
    // The oldest went first. On Windows the server listens on several pipe instances at once
    // (libuv's pending instances, 4 by default), so it may accept a connection a few places after
    // its client connected; the dropped ones are then the oldest give or take that many.
    const reorder = onWindows ? PENDING_PIPE_INSTANCES : 0
    const dropped = [...closed].sort((a, b) => a - b)
    expect(dropped.length).toBe(extra)
    expect(dropped.filter((i) => i >= extra + reorder), `dropped: ${dropped.join(' ')}`).toEqual([])
    await go()
  })
})

describe('an item over the frame limit', () => {
  it('is a clear error at put, send and sendBytes, naming the limit and the size; the process goes on', async () => {
    const run = await runSource(`
      import { Pipe, Queue } from 'proclab'
      const describe = (e) => e.constructor.name + ': ' + e.message
      export default async function main() {
        const big = Buffer.alloc(${MAX_FRAME} + 1)
        const queue = new Queue()
        const [a, b] = Pipe()
        const out = {}
        for (const [name, send] of [['put', () => queue.put(big)], ['send', () => a.send(big)], ['sendBytes', () => a.sendBytes(big)]]) {
          try { await send(); out[name] = 'no error' } catch (e) { out[name] = describe(e) }
        }
        await queue.put('small')
        out.get = await queue.get()
        await a.send('hi')
        out.recv = await b.recv()
        console.log('RESULT ' + JSON.stringify(out))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const r = results(run.lines('MainProcess'))
    const tooBig = /^RangeError: this value is too big to send to another process: it takes 268,43\d,\d{3} bytes to send, over the limit of 268,435,424 bytes for one message \(one frame holds 256 MiB\)\. Send it in parts/
    expect(r.put).toMatch(tooBig)
    expect(r.send).toMatch(tooBig)
    expect(r.sendBytes).toMatch(/^RangeError: this value is too big to send to another process: it takes 268,435,457 bytes to send, over the limit of/)
    expect(r).toMatchObject({ get: 'small', recv: 'hi' })
  })
})
