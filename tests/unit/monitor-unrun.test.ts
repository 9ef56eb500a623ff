// The Linux sampler skips the stat read of a single-threaded process whose schedstat says it has not
// run since (platform/linux/proc-sampler.ts readProcess). These tests check, on the real /proc, that it does skip
// sleeping processes, and that what a process does by running (stop, exit) or what happens to it
// without running (a new parent when its parent exits) still shows at the next sample.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { LinuxProcSampler, parseSchedstat, type RawProcess } from '../../src-main/monitor'
import { linuxOnly, needs, onLinux } from '../helpers/platform'

describe('parseSchedstat', () => {
  it('reads time on a CPU and timeslices, and refuses what a kernel without these counts shows', () => {
    expect(parseSchedstat(Buffer.from('1803215 1209156 3\n'))).toEqual({ cpuNs: 1803215, slices: 3 })
    expect(parseSchedstat(Buffer.from('0 0 0\n'))).toBeNull()
    expect(parseSchedstat(Buffer.from('12 34'))).toBeNull()
    expect(parseSchedstat(Buffer.from(''))).toBeNull()
  })
})

const children: ChildProcess[] = []
const strays: number[] = []
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL')
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
})

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function sampleOf(sampler: LinuxProcSampler): Promise<Map<number, RawProcess>> {
  return new Map((await sampler.sample()).map((p) => [p.pid, p]))
}

// schedstat is there when the kernel was built with it (CONFIG_SCHEDSTATS): the sampler only skips reads with it.
const schedstat = onLinux ? needs(existsSync('/proc/1/schedstat'), '/proc/<pid>/schedstat (a kernel with CONFIG_SCHEDSTATS)') : linuxOnly('the /proc sampler')
describe('stat reads skipped for processes that did not run', schedstat, () => {
  it('sleeping processes are not read again, and come back as the same rows', async () => {
    const sleeps = Array.from({ length: 20 }, () => spawn('sleep', ['30'], { stdio: 'ignore' }))
    children.push(...sleeps)
    await pause(300)
    const sampler = new LinuxProcSampler()
    await sampler.sample() // first read of every process
    await sampler.sample() // the schedstat to compare with
    const before = await sampleOf(sampler)
    await pause(200)
    const after = await sampleOf(sampler)
    const reads = sampler.lastReads
    expect(reads.unrun).toBeGreaterThanOrEqual(sleeps.length)
    expect(reads.statReads + reads.unrun).toBeGreaterThanOrEqual(reads.processes)
    for (const sleep of sleeps) {
      expect(after.get(sleep.pid!)).toBe(before.get(sleep.pid!))
      expect(after.get(sleep.pid!)).toMatchObject({ name: 'sleep', state: 'sleeping', threads: 1, ppid: process.pid })
    }
  })

  it('a skipped process that is stopped, continued or ends shows so at the next sample', async () => {
    const sleep = spawn('sleep', ['30'], { stdio: 'ignore' })
    children.push(sleep)
    const pid = sleep.pid!
    await pause(200)
    const sampler = new LinuxProcSampler()
    await sampler.sample()
    await sampler.sample()
    const unrunBefore = (await sampler.sample(), sampler.lastReads.unrun)
    expect(unrunBefore).toBeGreaterThan(0)

    // Stopping takes a run of the process (it handles the signal), so schedstat moves.
    process.kill(pid, 'SIGSTOP')
    await pause(100)
    expect((await sampleOf(sampler)).get(pid)?.state).toBe('stopped')
    process.kill(pid, 'SIGCONT')
    await pause(100)
    expect((await sampleOf(sampler)).get(pid)?.state).toBe('sleeping')

    // Ending: a zombie until this test process reaps it, or gone.
    const exited = once(sleep, 'exit')
    process.kill(pid, 'SIGTERM')
    await exited
    expect((await sampleOf(sampler)).get(pid)?.state ?? 'gone').toMatch(/^(zombie|gone)$/)
  })

  it('a process whose parent exits shows its new parent in the first sample that shows the old one ended', async () => {
    // Outer: a sleep that never reaps. Middle: a shell that starts a sleep (the grandchild), prints
    // its pid and ends after 0.6 s, staying a zombie under the outer one. The grandchild then has a
    // new parent without having run.
    const outer = spawn('sh', ['-c', '(sh -c "sleep 30 & echo \\$!; sleep 0.6") & exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] })
    children.push(outer)
    const [line] = (await once(outer.stdout!, 'data')) as [Buffer]
    const grandchild = Number(line.toString().trim())
    strays.push(grandchild)
    expect(grandchild).toBeGreaterThan(0)
    const sampler = new LinuxProcSampler()
    let middle: number | undefined
    let sawZombie = false
    for (let i = 0; i < 40 && !sawZombie; i++) {
      const rows = await sampleOf(sampler)
      const row = rows.get(grandchild)
      expect(row, `grandchild ${grandchild} listed`).toBeDefined()
      middle ??= row!.ppid
      const middleRow = rows.get(middle)
      if (middleRow === undefined || middleRow.state === 'zombie') {
        sawZombie = true
        expect(row!.ppid, 'the grandchild is no longer shown under its ended parent').not.toBe(middle)
      } else {
        expect(row!.ppid).toBe(middle)
      }
      await pause(50)
    }
    expect(sawZombie, 'the middle shell ended within 2 s').toBe(true)
  })
})
