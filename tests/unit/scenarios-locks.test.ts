// The lock chapter's scenarios: three printers (join, then a Lock) and ticket grabbing (with and
// without a lock). Each test runs the built-in scenario through a real host and checks its lesson
// from the host's events: output order, lock holds and waits.
import { describe, expect, it } from 'vitest'
import type { EventOf, LabEvent } from '../../src-shared/events'
import { runLab, type RunResult } from '../helpers/lab'

/** Every stdout line of the run, in the order the host got them, with the process name. */
function stdoutInOrder(run: RunResult): Array<{ name: string; line: string }> {
  const nameOf = new Map(run.starts.map((s) => [s.lid, s.name]))
  return run.events.flatMap((e) => (e.kind === 'stdout' ? [{ name: nameOf.get(e.lid) ?? e.lid, line: e.line }] : []))
}

/** The printers' critical-section lines ("X start", "X page n/m", "X end") as runs of one printer each. */
function printJobs(run: RunResult): Array<{ printer: string; lines: string[] }> {
  const jobs: Array<{ printer: string; lines: string[] }> = []
  for (const { name, line } of stdoutInOrder(run)) {
    const match = /^(printer-[ABC]) (start|page \d+\/\d+|end)$/.exec(line)
    if (!match) continue
    expect(match[1]).toBe(name)
    const open = jobs.at(-1)
    if (match[2] === 'start') {
      // A job starts only when the one before it has ended: no two are ever open together.
      expect(open?.lines.at(-1) ?? `${name} end`, `${line} while another job was open`).toMatch(/ end$/)
      jobs.push({ printer: name, lines: [line] })
    } else {
      expect(open?.printer, `${line} inside ${open?.printer}'s job`).toBe(name)
      open!.lines.push(line)
    }
  }
  for (const job of jobs) expect(job.lines.at(-1)).toBe(`${job.printer} end`)
  return jobs
}

function lockEvents(run: RunResult, lockName: string) {
  const created = run.events.find((e): e is EventOf<'object.create'> => e.kind === 'object.create' && e.name === lockName)
  expect(created?.type).toBe('lock')
  const of = <K extends 'lock.request' | 'lock.acquire' | 'lock.release'>(kind: K) =>
    run.events.filter((e): e is EventOf<K> => e.kind === kind && (e as { object?: string }).object === created!.object)
  return { all: run.events.filter((e) => e.kind.startsWith('lock.') && (e as { object?: string }).object === created!.object), requests: of('lock.request'), acquires: of('lock.acquire'), releases: of('lock.release') }
}

/** Holds of one lock never overlap: acquire and release alternate, each release by the holder. */
function expectExclusiveHolds(events: LabEvent[]): void {
  let holder: { lid: string; t: number } | null = null
  let lastRelease = 0
  for (const event of events) {
    if (event.kind === 'lock.acquire') {
      expect(holder, 'acquired while held').toBeNull()
      expect(event.t).toBeGreaterThanOrEqual(lastRelease)
      holder = { lid: event.lid, t: event.t }
    } else if (event.kind === 'lock.release') {
      expect(holder?.lid, 'released by someone who did not hold it').toBe(event.lid)
      expect(event.t).toBeGreaterThanOrEqual(holder!.t)
      lastRelease = event.t
      holder = null
    }
  }
  expect(holder).toBeNull()
}

describe('three printers', () => {
  it('printers-join: join makes them print one after another, in the order of the code', async () => {
    const run = await runLab({ scenario: 'printers-join' })
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const jobs = printJobs(run)
    expect(jobs.map((j) => j.printer)).toEqual(['printer-A', 'printer-B', 'printer-C'])
    expect(jobs.map((j) => j.lines.length)).toEqual([5, 4, 5])
    // No lock was involved: join alone kept them apart.
    expect(run.events.some((e) => e.kind.startsWith('lock.'))).toBe(false)
  })

  it('printers-lock: jobs never overlap, holds never overlap, and waiters are served in the order they asked', async () => {
    const run = await runLab({ scenario: 'printers-lock' })
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const jobs = printJobs(run)
    expect(jobs).toHaveLength(6)
    for (const name of ['printer-A', 'printer-B', 'printer-C']) expect(jobs.filter((j) => j.printer === name)).toHaveLength(2)
    for (const job of jobs) expect(job.lines).toHaveLength(5)

    const lock = lockEvents(run, 'printer-lock')
    expect(lock.requests).toHaveLength(6)
    expect(lock.acquires).toHaveLength(6)
    expect(lock.releases).toHaveLength(6)
    expectExclusiveHolds(lock.all)
    // FIFO: the lock was granted in exactly the order it was asked for.
    expect(lock.acquires.map((e) => e.lid)).toEqual(lock.requests.map((e) => e.lid))
    // The printers really contended: somebody waited, and each hold lasted the three pages.
    expect(Math.max(...lock.acquires.map((e) => e.waitedUs))).toBeGreaterThan(0)
    for (const release of lock.releases) expect(release.heldUs).toBeGreaterThanOrEqual(3 * 80_000)
    // Nobody cut in: each grant went to the printer that had been waiting longest at that moment.
    const waiting: string[] = []
    for (const event of lock.all) {
      if (event.kind === 'lock.request') waiting.push(event.lid)
      if (event.kind === 'lock.acquire') expect(event.lid).toBe(waiting.shift())
    }
    // The lock's holders are the printers, with their real pids.
    for (const event of lock.acquires) expect(run.starts.find((s) => s.lid === event.lid)?.pid).toBe(event.pid)
  })
})

describe('ticket grabbing', () => {
  const bought = (run: RunResult) =>
    [...run.output.entries()].flatMap(([name, lines]) => lines.filter((l) => l.startsWith(`${name} bought a ticket`)).map((l) => ({ name, line: l })))

  it('tickets-lock: exactly three buyers succeed and the count never goes below 0', async () => {
    const run = await runLab({ scenario: 'tickets-lock' })
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const winners = bought(run)
    expect(winners).toHaveLength(3)
    // The counts went 3 -> 2 -> 1 -> 0, one buyer each.
    expect(winners.map((w) => /count (\d+) -> (-?\d+)/.exec(w.line)!.slice(1).join('>')).sort()).toEqual(['1>0', '2>1', '3>2'])
    const late = [...run.output.entries()].filter(([, lines]) => lines.some((l) => l.endsWith('is too late: sold out')))
    expect(late).toHaveLength(7)
    expect(run.lines('MainProcess')).toContain('tickets left in the database: 0 (started with 3); the lock let only 3 buyers through')
    const lock = lockEvents(run, 'ticket-lock')
    expect(lock.acquires).toHaveLength(10)
    expectExclusiveHolds(lock.all)
    expect(lock.acquires.map((e) => e.lid)).toEqual(lock.requests.map((e) => e.lid))
  }, 90_000)

  it('tickets-race: without the lock more than three buyers are told they succeeded', async () => {
    const run = await runLab({ scenario: 'tickets-race' })
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    // Every buyer got to the end of its story: the race is in the counts, not in errors.
    for (const buyer of run.starts.filter((s) => s.name.startsWith('buyer-'))) expect(run.exitCode(buyer.name), run.lines(buyer.name).join('\n')).toBe(0)
    const winners = bought(run)
    expect(winners.length).toBeGreaterThan(3)
    // The database is not even right about what it sold: it still claims tickets are left.
    const left = Number(/tickets left in the database: (\d+)/.exec(run.lines('MainProcess').join('\n'))?.[1])
    expect(left).toBeGreaterThan(3 - winners.length)
    expect(run.events.some((e) => e.kind.startsWith('lock.'))).toBe(false)
  }, 90_000)
})
