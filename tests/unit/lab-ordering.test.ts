// Exits never overtake what a process sent before it ended. On a busy machine the host may read a
// process's exit, its output and its control messages in any order: these tests make the host
// as late as it can be (its event loop stopped until the lab main has ended and waits as a zombie),
// so that everything arrives at once, and check that the exits still come last.
// Linux-only: it finds the zombie in /proc.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EventOf, LabEvent } from '../../src-shared/events'
import { runSource } from '../helpers/lab'

/** Blocks this thread (the host's event loop with it) until `done()` says so. */
function blockUntil(done: () => boolean, timeoutMs = 20_000): void {
  const pause = new Int32Array(new SharedArrayBuffer(4))
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (done()) return
    Atomics.wait(pause, 0, 0, 10)
  }
  throw new Error('the host was blocked for longer than the deadline: what it waited for never came')
}

/** Blocks the host until a child of this process (the lab main) has ended and waits as a zombie. */
function blockUntilChildIsZombie(): void {
  blockUntil(() => zombieChildren().length > 0)
}

function zombieChildren(): number[] {
  const found: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (state === 'Z' && Number(ppid) === process.pid) found.push(Number(name))
    } catch {
      // gone meanwhile
    }
  }
  return found
}

const blockHost = { during: async () => blockUntilChildIsZombie() }

/**
 * Lets the host start the process named `name` and hand it its spec (it waits for both), then,
 * once its first line arrived, blocks as above.
 */
function blockHostOnceRunning(name: string) {
  return {
    during: async (_host: unknown, events: LabEvent[]) => {
      const running = () => {
        const started = events.find((e): e is EventOf<'process.start'> => e.kind === 'process.start' && e.name === name)
        return started !== undefined && events.some((e) => e.kind === 'stdout' && e.lid === started.lid)
      }
      while (!running()) await new Promise((resolve) => setTimeout(resolve, 2))
      blockUntilChildIsZombie()
    },
  }
}

describe.skipIf(process.platform !== 'linux')('exits come after what was sent before them', () => {
  it('a script that does not parse fails with its SyntaxError even when the host reads its exit first', async () => {
    const run = await runSource(`export default async function main() {\n  this is not javascript\n}\n`, blockHost)
    expect(run.end.ok).toBe(false)
    expect(run.end.error).toMatch(/SyntaxError/)
  })

  it("a child's last line, its last queue put and its parent's error all come before the exits", async () => {
    const run = await runSource(
      `
      import { Process, Queue } from 'proclab'
      import { setTimeout as wait } from 'node:timers/promises'
      export async function last(q) {
        console.log('line 0')
        await wait(300)
        // Few lines: while the host does not read, each line holds ~1 KiB of the socket's send buffer.
        for (let i = 1; i < 30; i++) console.log('line ' + i)
        await q.put('the last item')
        console.log('the last line')
      }
      export default async function main() {
        const q = new Queue()
        const p = new Process({ target: last, args: [q], name: 'writer' })
        await p.start()
        await p.join()
        throw new Error('main fails after its child')
      }
      `,
      blockHostOnceRunning('writer'),
    )
    expect(run.end.error).toBe('Error: main fails after its child')
    const writer = run.start('writer')
    const index = (match: (event: LabEvent) => boolean) => run.events.findIndex(match)
    const exit = index((e) => e.kind === 'process.exit' && e.lid === writer.lid)
    expect(exit).toBeGreaterThan(-1)
    expect(run.lines('writer')).toHaveLength(31)
    expect(index((e) => e.kind === 'stdout' && e.lid === writer.lid && e.line === 'the last line')).toBeLessThan(exit)
    expect(index((e) => e.kind === 'queue.put' && e.lid === writer.lid)).toBeLessThan(exit)
  })

  it('a child that ends right after a flood of output has every line before its exit', async () => {
    const run = await runSource(`
      import { Process } from 'proclab'
      export async function flood() {
        // One write of 200,000 lines: the host reads and splits them for longer than a moment.
        process.stdout.write(Array.from({ length: 200_000 }, (_, i) => 'flood line ' + i + '\\n').join(''))
        console.log('the last line')
      }
      export default async function main() {
        const p = new Process({ target: flood, name: 'flooder' })
        await p.start()
        await p.join()
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const flooder = run.start('flooder')
    const exit = run.events.findIndex((e) => e.kind === 'process.exit' && e.lid === flooder.lid)
    const last = run.events.findIndex((e) => e.kind === 'stdout' && e.lid === flooder.lid && e.line === 'the last line')
    expect(last).toBeGreaterThan(-1)
    expect(last).toBeLessThan(exit)
  })

  it("what a parent does after a child's exit comes after everything the child sent before it", async () => {
    // main's connection is readable before the producer's (its 'early' put), so a host that reads
    // it first would take main's 'stop' before the producer's 'bun', which was sent before it.
    const marker = join(mkdtempSync(join(tmpdir(), 'proclab-order-')), 'stop-sent')
    const run = await runSource(
      `
      import { writeFileSync } from 'node:fs'
      import { Process, Queue, sleep } from 'proclab'
      export async function producer(q) {
        console.log('ready')
        await sleep(600)
        await q.put('bun')
      }
      export default async function main() {
        const q = new Queue()
        const p = new Process({ target: producer, args: [q], name: 'producer' })
        await p.start()
        await sleep(300)
        await q.put('early')
        await p.join()
        await q.put('stop')
        writeFileSync(${JSON.stringify(marker)}, '')
        const got = [await q.get(), await q.get(), await q.get()]
        console.log('order: ' + got.join(' '))
      }
      `,
      {
        during: async (_host: unknown, events: LabEvent[]) => {
          while (!events.some((e) => e.kind === 'stdout' && e.line === 'ready')) await new Promise((resolve) => setTimeout(resolve, 2))
          blockUntil(() => existsSync(marker))
        },
      },
    )
    rmSync(dirname(marker), { recursive: true, force: true })
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    expect(run.lines('MainProcess')).toContain('order: early bun stop')
  })
})
