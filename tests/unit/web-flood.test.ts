// One WebSocket client flooding `proclab serve` must not delay another's answers: the flood is
// queued per client, served round-robin with bounded work in flight, shed with 'busy' past its
// bound, identical reads are computed once, and the server's memory stays bounded. The server, the
// flooder and this test (the second client) are three processes, so each clock is honest: a
// blocked server cannot hide its delay by also delaying the one who measures it.
// Needs the build in out/ (`npx electron-vite build`), as every test that starts `proclab serve`.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { FloodReport } from '../helpers/ws-flooder'

const repo = fileURLToPath(new URL('../..', import.meta.url))
const FLOODER = fileURLToPath(new URL('../helpers/ws-flooder.ts', import.meta.url))
const RATE = 10_000
const FLOOD_MS = 3_000
/** The bystander asks this often, during the flood and without it. */
const ASK_EVERY_MS = 20

interface Serve {
  child: ChildProcess & { pid: number }
  port: number
  token: string
}

let serve: Serve

beforeAll(async () => {
  const child = spawn(process.execPath, ['bin/proclab.js', 'serve', '--port', '0', '--no-log'], { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] })
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /ProcLab UI: (\S+)/.exec(output)
      if (match) resolve(match[1]!)
    })
    child.once('exit', (code) => reject(new Error(`proclab serve exited (${code}) before it was ready:\n${output}`)))
  })
  const parsed = new URL(url)
  serve = { child: child as Serve['child'], port: Number(parsed.port), token: parsed.searchParams.get('token')! }
})

afterAll(async () => {
  if (!serve || serve.child.exitCode !== null) return
  const exited = once(serve.child, 'exit')
  serve.child.kill('SIGTERM')
  await exited
})

function origin(): string {
  return `http://127.0.0.1:${serve.port}`
}

function socketUrl(): string {
  return `ws://127.0.0.1:${serve.port}/ws?token=${serve.token}`
}

/** User + system CPU time of a process so far, in ms (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

function residentMiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match ? Math.round(Number(match[1]) / 1024) : NaN
}

/** The second client: asks hello every ASK_EVERY_MS until told to stop, and times each answer. */
async function bystander(until: Promise<unknown>): Promise<{ latencies: number[]; unanswered: number }> {
  const ws = new WebSocket(socketUrl(), { origin: origin() })
  await once(ws, 'open')
  const sentAt = new Map<number, number>()
  const latencies: number[] = []
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as { type: string; id: number; ok: boolean }
    const at = sentAt.get(message.id)
    if (message.type !== 'response' || at === undefined) return
    expect(message.ok).toBe(true)
    latencies.push(performance.now() - at)
    sentAt.delete(message.id)
  })
  let stop = false
  void until.then(() => (stop = true))
  for (let id = 1; !stop; id++) {
    sentAt.set(id, performance.now())
    ws.send(JSON.stringify({ id, cmd: 'hello', args: {} }))
    await new Promise((resolve) => setTimeout(resolve, ASK_EVERY_MS))
  }
  // The last ones may still be on their way.
  const deadline = performance.now() + 10_000
  while (sentAt.size > 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5))
  ws.close()
  return { latencies, unanswered: sentAt.size }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10
}

/** Runs the flooder in its own process; resolves its stop (the flood is over) and its final report. */
function flood(cmd: string, args: object): { started: Promise<void>; stopped: Promise<void>; report: Promise<FloodReport> } {
  const child = spawn(process.execPath, ['--import', 'tsx', FLOODER, socketUrl(), origin(), cmd, JSON.stringify(args), String(RATE), String(FLOOD_MS)], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const waiters = new Map<string, (line: Record<string, unknown>) => void>()
  const next = (event: string) => new Promise<Record<string, unknown>>((resolve) => waiters.set(event, resolve))
  const started = next('started').then(() => undefined)
  const stopped = next('stopped').then(() => undefined)
  const report = next('done') as Promise<unknown> as Promise<FloodReport>
  let buffer = ''
  child.stdout!.setEncoding('utf8')
  child.stdout!.on('data', (chunk: string) => {
    buffer += chunk
    for (let end = buffer.indexOf('\n'); end !== -1; end = buffer.indexOf('\n')) {
      const line = JSON.parse(buffer.slice(0, end)) as { event: string }
      buffer = buffer.slice(end + 1)
      waiters.get(line.event)?.(line)
    }
  })
  return { started, stopped, report }
}

describe.runIf(process.platform === 'linux')('one WebSocket client flooding the server', () => {
  let quiet: number[] = []

  beforeAll(async () => {
    quiet = (await bystander(new Promise((resolve) => setTimeout(resolve, 1_000)))).latencies
  })

  for (const [cmd, args] of [
    ['monitor.changes', {}],
    ['hello', {}],
  ] as const) {
    it(`answers another client promptly while one floods ${cmd} at ${RATE} a second, and answers every request once`, async () => {
      const rssBefore = residentMiB(serve.child.pid)
      const cpuBefore = cpuMs(serve.child.pid)
      const wallBefore = performance.now()
      let rssPeak = rssBefore
      const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, residentMiB(serve.child.pid))), 50)
      const flooding = flood(cmd, args)
      await flooding.started
      const asked = await bystander(flooding.stopped)
      const report = await flooding.report
      clearInterval(sampler)
      const serverCpu = { ms: cpuMs(serve.child.pid) - cpuBefore, ofWallMs: Math.round(performance.now() - wallBefore) }

      const figures = {
        quiet: { p50: percentile(quiet, 50), p99: percentile(quiet, 99) },
        flood: { p50: percentile(asked.latencies, 50), p99: percentile(asked.latencies, 99), max: percentile(asked.latencies, 100), n: asked.latencies.length },
        flooder: report,
        rssMiB: { before: rssBefore, peak: rssPeak },
        serverCpu,
      }
      console.info(`flood of ${cmd}: ${JSON.stringify(figures)}`)

      // The bystander was served all along: every hello answered, typically within a few ms (the
      // goal is 100 ms), where a first-come-first-served server took 1.7 s at the median and 2.1 s
      // at p99 under a monitor.changes flood. The bounds are generous: on a 2-core machine shared
      // with 20 busy processes, measured p50 stayed under 140 ms and p99 under 750 ms.
      expect(asked.unanswered).toBe(0)
      expect(asked.latencies.length).toBeGreaterThan(FLOOD_MS / ASK_EVERY_MS / 4)
      expect(figures.flood.p50).toBeLessThan(250)
      expect(figures.flood.p99).toBeLessThan(1_500)
      // The flooder got exactly one answer per request, and they came soon after it stopped. Those
      // the server shed were answered 'busy' (how many depends on the machine's speed; the fairness
      // test sheds on purpose); no other error.
      expect(report).toMatchObject({ duplicates: 0, strangers: 0, answered: report.sent, otherErrors: {} })
      expect(report.sent).toBeGreaterThan((RATE * FLOOD_MS) / 1000 / 2)
      expect(report.drainMs).not.toBeNull()
      expect(report.drainMs!).toBeLessThan(2_000)
      // Memory stays bounded: nowhere near the 600-780 MB a queue of 10,000 tables a second reached.
      expect(rssPeak - rssBefore).toBeLessThan(150)
    }, 60_000)
  }
})
