// macOS's native process table read from bytes, on any OS (it is written but untested on a Mac):
// the offsets proc-info.ts reads against the structs of XNU's proc_info.h laid out by koffi (a real
// C ABI engine; these structs have no pointers, so the layout is the same on x86_64 and arm64),
// answers built from those structs, and the sampler over a stand-in for the libproc calls. And
// where macOS falls back to systeminformation, ps' own state letters (I, U) through it.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { describe, expect, it } from 'vitest'
import { loadKoffi } from '../../src-main/platform/koffi'
import { darwin } from '../../src-main/platform/darwin'
import type { DarwinCalls } from '../../src-main/platform/darwin/table-calls'
import { DarwinNativeSampler, IDLE_AFTER_MS } from '../../src-main/platform/darwin/native-sampler'
import { BSD_INFO, machTicksToMs, parseShortBsdInfo, parseTaskAllInfo, parseTaskInfo, SHORT_BSD_INFO, stateOf, TASK_ALL_INFO_SIZE, TASK_INFO } from '../../src-main/platform/darwin/proc-info'
import { parseProcArgs } from '../../src-main/platform/darwin/procargs'
import { DARWIN_SI_SHAPE } from '../../src-main/platform/darwin'
import { readPsStates } from '../../src-main/platform/posix/ps'
import { SystemInformationSampler } from '../../src-main/platform/si/sampler'
import { linuxOnly } from '../helpers/platform'

const koffi = loadKoffi()

// bsd/sys/proc_info.h, field by field (MAXCOMLEN is 16; uid_t and gid_t are 32-bit).
const proc_bsdinfo = koffi.struct('proc_bsdinfo_t', {
  pbi_flags: 'uint32_t',
  pbi_status: 'uint32_t',
  pbi_xstatus: 'uint32_t',
  pbi_pid: 'uint32_t',
  pbi_ppid: 'uint32_t',
  pbi_uid: 'uint32_t',
  pbi_gid: 'uint32_t',
  pbi_ruid: 'uint32_t',
  pbi_rgid: 'uint32_t',
  pbi_svuid: 'uint32_t',
  pbi_svgid: 'uint32_t',
  rfu_1: 'uint32_t',
  pbi_comm: koffi.array('char', 16),
  pbi_name: koffi.array('char', 32),
  pbi_nfiles: 'uint32_t',
  pbi_pgid: 'uint32_t',
  pbi_pjobc: 'uint32_t',
  e_tdev: 'uint32_t',
  e_tpgid: 'uint32_t',
  pbi_nice: 'int32_t',
  pbi_start_tvsec: 'uint64_t',
  pbi_start_tvusec: 'uint64_t',
})
const proc_taskinfo = koffi.struct('proc_taskinfo_t', {
  pti_virtual_size: 'uint64_t',
  pti_resident_size: 'uint64_t',
  pti_total_user: 'uint64_t',
  pti_total_system: 'uint64_t',
  pti_threads_user: 'uint64_t',
  pti_threads_system: 'uint64_t',
  pti_policy: 'int32_t',
  pti_faults: 'int32_t',
  pti_pageins: 'int32_t',
  pti_cow_faults: 'int32_t',
  pti_messages_sent: 'int32_t',
  pti_messages_received: 'int32_t',
  pti_syscalls_mach: 'int32_t',
  pti_syscalls_unix: 'int32_t',
  pti_csw: 'int32_t',
  pti_threadnum: 'int32_t',
  pti_numrunning: 'int32_t',
  pti_priority: 'int32_t',
})
const proc_taskallinfo = koffi.struct('proc_taskallinfo_t', { pbsd: proc_bsdinfo, ptinfo: proc_taskinfo })
const proc_bsdshortinfo = koffi.struct('proc_bsdshortinfo_t', {
  pbsi_pid: 'uint32_t',
  pbsi_ppid: 'uint32_t',
  pbsi_pgid: 'uint32_t',
  pbsi_status: 'uint32_t',
  pbsi_comm: koffi.array('char', 16),
  pbsi_flags: 'uint32_t',
  pbsi_uid: 'uint32_t',
  pbsi_gid: 'uint32_t',
  pbsi_ruid: 'uint32_t',
  pbsi_rgid: 'uint32_t',
  pbsi_svuid: 'uint32_t',
  pbsi_svgid: 'uint32_t',
  pbsi_rfu: 'uint32_t',
})

const SIDL = 1
const SRUN = 2
const SSLEEP = 3
const SSTOP = 4
const SZOMB = 5
/** Apple silicon's mach_timebase_info: a tick is 125/3 ns (24 MHz). */
const APPLE_SILICON = { numer: 125, denom: 3 }
const INTEL = { numer: 1, denom: 1 }

interface Fixture {
  pid: number
  ppid?: number
  uid?: number
  status?: number
  comm: string
  name?: string
  nice?: number
  startSec?: number
  startUsec?: number
  rss?: number
  user?: bigint
  system?: bigint
  threads?: number
  running?: number
}

function taskAllInfo(p: Fixture): Buffer {
  const bytes = Buffer.alloc(koffi.sizeof(proc_taskallinfo))
  koffi.encode(bytes, proc_taskallinfo, {
    pbsd: {
      pbi_status: p.status ?? SRUN,
      pbi_pid: p.pid,
      pbi_ppid: p.ppid ?? 1,
      pbi_uid: p.uid ?? 501,
      pbi_gid: 20,
      pbi_comm: p.comm,
      pbi_name: p.name ?? '',
      pbi_pgid: p.pid,
      pbi_nice: p.nice ?? 0,
      pbi_start_tvsec: p.startSec ?? 1_767_225_600,
      pbi_start_tvusec: p.startUsec ?? 250_000,
    },
    ptinfo: { pti_virtual_size: 1n << 34n, pti_resident_size: p.rss ?? 4096, pti_total_user: p.user ?? 0n, pti_total_system: p.system ?? 0n, pti_threadnum: p.threads ?? 1, pti_numrunning: p.running ?? 0, pti_priority: 31 },
  })
  return bytes
}

function shortInfo(p: Fixture): Buffer {
  const bytes = Buffer.alloc(koffi.sizeof(proc_bsdshortinfo))
  koffi.encode(bytes, proc_bsdshortinfo, { pbsi_pid: p.pid, pbsi_ppid: p.ppid ?? 1, pbsi_pgid: p.pid, pbsi_status: p.status ?? SRUN, pbsi_comm: p.comm, pbsi_uid: p.uid ?? 0 })
  return bytes
}

describe("the layout read by proc-info.ts is proc_info.h's", () => {
  it('proc_bsdinfo, proc_taskinfo and proc_taskallinfo', () => {
    const bsd = (field: string) => koffi.offsetof(proc_bsdinfo, field)
    expect(BSD_INFO).toEqual({
      size: koffi.sizeof(proc_bsdinfo),
      status: bsd('pbi_status'),
      pid: bsd('pbi_pid'),
      ppid: bsd('pbi_ppid'),
      uid: bsd('pbi_uid'),
      comm: bsd('pbi_comm'),
      name: bsd('pbi_name'),
      pgid: bsd('pbi_pgid'),
      nice: bsd('pbi_nice'),
      startSec: bsd('pbi_start_tvsec'),
      startUsec: bsd('pbi_start_tvusec'),
    })
    const task = (field: string) => koffi.offsetof(proc_taskinfo, field)
    expect(TASK_INFO).toEqual({
      size: koffi.sizeof(proc_taskinfo),
      residentSize: task('pti_resident_size'),
      totalUser: task('pti_total_user'),
      totalSystem: task('pti_total_system'),
      threadCount: task('pti_threadnum'),
      runningThreads: task('pti_numrunning'),
    })
    expect(koffi.offsetof(proc_taskallinfo, 'ptinfo')).toBe(BSD_INFO.size)
    expect(TASK_ALL_INFO_SIZE).toBe(koffi.sizeof(proc_taskallinfo))
    // What PROC_PIDTASKALLINFO_SIZE and friends are in the SDK.
    expect([BSD_INFO.size, TASK_INFO.size, TASK_ALL_INFO_SIZE]).toEqual([136, 96, 232])
  })

  it('proc_bsdshortinfo', () => {
    const short = (field: string) => koffi.offsetof(proc_bsdshortinfo, field)
    expect(SHORT_BSD_INFO).toEqual({ size: koffi.sizeof(proc_bsdshortinfo), pid: short('pbsi_pid'), ppid: short('pbsi_ppid'), pgid: short('pbsi_pgid'), status: short('pbsi_status'), comm: short('pbsi_comm'), uid: short('pbsi_uid') })
    expect(SHORT_BSD_INFO.size).toBe(64)
  })
})

describe('one process from its bytes', () => {
  it('reads proc_taskallinfo: parent, names, user, nice, start, memory, CPU, threads', () => {
    const p = parseTaskAllInfo(taskAllInfo({ pid: 4242, ppid: 4000, uid: 501, comm: 'Google Chrome H', name: 'Google Chrome Helper (Renderer)', nice: -5, startSec: 1_767_225_600, startUsec: 250_999, rss: 123_456_789, user: 3_000_000n, system: 600_000n, threads: 17, running: 2 }))
    expect(p).toEqual({
      pid: 4242,
      ppid: 4000,
      pgid: 4242,
      uid: 501,
      name: 'Google Chrome Helper (Renderer)', // pbi_name, set by the process, over pbi_comm's 16 bytes
      status: SRUN,
      nice: -5,
      startedAt: 1_767_225_600_250,
      task: { residentSize: 123_456_789, cpuTicks: 3_600_000n, threads: 17, runningThreads: 2 },
    })
    expect(parseTaskAllInfo(taskAllInfo({ pid: 1, comm: 'launchd' })).name).toBe('launchd')
    // A comm that fills its 16 bytes has no NUL: all 16 are the name.
    const full = taskAllInfo({ pid: 2, comm: '' })
    full.write('sixteen-chars-xy', koffi.offsetof(proc_bsdinfo, 'pbi_comm'), 'utf8')
    expect(parseTaskAllInfo(full).name).toBe('sixteen-chars-xy')
  })

  it("reads proc_bsdshortinfo (another user's process): no task part", () => {
    expect(parseShortBsdInfo(shortInfo({ pid: 88, ppid: 1, uid: 0, comm: 'WindowServer', status: SSLEEP }))).toEqual({ pid: 88, ppid: 1, pgid: 88, uid: 0, name: 'WindowServer', status: SSLEEP, nice: null, startedAt: null, task: null })
  })

  it('reads proc_taskinfo alone (the lab sampler), and refuses short answers', () => {
    const bytes = taskAllInfo({ pid: 5, comm: 'x', rss: 777, user: 10n, system: 5n }).subarray(BSD_INFO.size)
    expect(parseTaskInfo(bytes)).toEqual({ residentSize: 777, cpuTicks: 15n })
    expect(() => parseTaskInfo(bytes.subarray(0, 40))).toThrow(/40 bytes/)
    expect(() => parseTaskAllInfo(Buffer.alloc(136))).toThrow(/136 bytes/)
    expect(() => parseShortBsdInfo(Buffer.alloc(10))).toThrow(/10 bytes/)
  })

  it('converts mach ticks with the timebase: nanoseconds on Intel, 125/3 ns on Apple silicon', () => {
    expect(machTicksToMs(2_500_000n, INTEL)).toBe(2.5)
    expect(machTicksToMs(24_000_000n, APPLE_SILICON)).toBe(1000)
  })

  it('judges the state as ps does, from the status and the running threads', () => {
    const task = (running: number) => ({ residentSize: 0, cpuTicks: 0n, threads: 4, runningThreads: running })
    expect(stateOf({ status: SZOMB, task: null }, false)).toBe('zombie')
    expect(stateOf({ status: SSTOP, task: task(0) }, false)).toBe('stopped')
    expect(stateOf({ status: SIDL, task: null }, false)).toBe('idle')
    expect(stateOf({ status: SRUN, task: task(1) }, true)).toBe('running')
    expect(stateOf({ status: SRUN, task: task(0) }, false)).toBe('sleeping')
    expect(stateOf({ status: SRUN, task: task(0) }, true)).toBe('idle')
    expect(stateOf({ status: SSLEEP, task: null }, false)).toBe('sleeping')
    expect(stateOf({ status: 9, task: null }, false)).toBe('unknown')
  })
})

describe("KERN_PROCARGS2's answer", () => {
  const procargs = (argc: number, path: string, argv: string[], env: string[]) => {
    const head = Buffer.alloc(4)
    head.writeInt32LE(argc, 0)
    // The path, its NUL, and NULs up to a word boundary, as the kernel lays it out.
    const pathBytes = Buffer.from(`${path}\0`)
    const padding = Buffer.alloc((8 - ((4 + pathBytes.length) % 8)) % 8)
    return Buffer.concat([head, pathBytes, padding, ...[...argv, ...env].map((s) => Buffer.from(`${s}\0`))])
  }

  it('gives the path and the arguments, spaces and empty ones kept, and not the environment', () => {
    expect(parseProcArgs(procargs(4, '/usr/local/bin/node', ['node', '-e', '', 'a b'], ['HOME=/Users/me', 'PATH=/bin']))).toEqual({ path: '/usr/local/bin/node', argv: ['node', '-e', '', 'a b'] })
  })

  it('stops at the end of a short answer, and gives nothing for one without a path', () => {
    expect(parseProcArgs(procargs(3, '/bin/sleep', ['sleep'], []))).toEqual({ path: '/bin/sleep', argv: ['sleep'] })
    expect(parseProcArgs(Buffer.from([1, 0]))).toBeNull()
    expect(parseProcArgs(Buffer.from([1, 0, 0, 0, 0x41]))).toBeNull()
  })
})

describe('the sampler over the libproc calls (a stand-in answers with bytes)', () => {
  /** A machine: pids with their answers, as the calls would give them. */
  function machine(processes: Map<number, { all?: Fixture; short?: Fixture; args?: string[] }>) {
    const asked = { userName: 0, procArgs: 0 }
    const calls: DarwinCalls = {
      listPids: () => [...processes.keys()],
      taskAllInfo: (pid) => (processes.get(pid)?.all ? taskAllInfo(processes.get(pid)!.all!) : null),
      shortBsdInfo: (pid) => {
        const p = processes.get(pid)
        return p ? shortInfo(p.short ?? p.all!) : null
      },
      taskInfo: (pid) => (processes.get(pid)?.all ? taskAllInfo(processes.get(pid)!.all!).subarray(BSD_INFO.size) : null),
      procArgs: (pid) => {
        asked.procArgs++
        const args = processes.get(pid)?.args
        if (!args) return null
        const head = Buffer.alloc(4)
        head.writeInt32LE(args.length, 0)
        return Buffer.concat([head, Buffer.from(`/path/${args[0]}\0\0\0`), ...args.map((a) => Buffer.from(`${a}\0`))])
      },
      path: (pid) => (processes.has(pid) ? `/usr/libexec/${processes.get(pid)!.short?.comm ?? 'x'}` : null),
      userName: (uid) => {
        asked.userName++
        return uid === 501 ? 'me' : uid === 0 ? 'root' : null
      },
      timebase: () => APPLE_SILICON,
    }
    return { calls, asked }
  }

  it("gives every platform's rows: own processes whole, others' as far as macOS lets us see them", async () => {
    const processes = new Map([
      [1, { short: { pid: 1, ppid: 0, uid: 0, comm: 'launchd', status: SRUN } }],
      [500, { all: { pid: 500, ppid: 1, comm: 'node', rss: 50_000_000, user: 24_000_000n, system: 0n, threads: 11, running: 1, nice: 0, startSec: 1_767_225_600, startUsec: 0 }, args: ['node', 'server.js', 'a b'] }],
      [501, { all: { pid: 501, ppid: 500, uid: 777, comm: 'zombie-kid', status: SZOMB } }],
    ])
    const { calls } = machine(processes)
    const rows = await new DarwinNativeSampler(calls, () => 0).sample()
    expect(rows).toEqual([
      { pid: 1, ppid: 0, name: 'launchd', command: '/usr/libexec/launchd', user: 'root', state: 'sleeping', cpuTimeMs: null, cpuPercentHint: null, rss: 0, startedAt: null, threads: null, nice: null },
      { pid: 500, ppid: 1, name: 'node', command: 'node server.js a b', user: 'me', state: 'running', cpuTimeMs: 1000, cpuPercentHint: null, rss: 50_000_000, startedAt: 1_767_225_600_000, threads: 11, nice: 0 },
      // A uid without a name is shown as its number, as ps does.
      { pid: 501, ppid: 500, name: 'zombie-kid', command: '/usr/libexec/x', user: '777', state: 'zombie', cpuTimeMs: 0, cpuPercentHint: null, rss: 4096, startedAt: 1_767_225_600_250, threads: 1, nice: 0 },
    ])
  })

  it('calls a process idle after 20 s without CPU, as ps does, and reads names and arguments once', async () => {
    const sleeper = { pid: 600, comm: 'sleeper', user: 5n, system: 5n }
    const processes = new Map<number, { all?: Fixture; args?: string[] }>([[600, { all: sleeper, args: ['sleeper'] }]])
    const { calls, asked } = machine(processes)
    let now = 0
    const sampler = new DarwinNativeSampler(calls, () => now)
    const state = async () => (await sampler.sample()).find((row) => row.pid === 600)!.state
    expect(await state()).toBe('sleeping')
    now = IDLE_AFTER_MS - 1
    expect(await state()).toBe('sleeping')
    now = IDLE_AFTER_MS
    expect(await state()).toBe('idle')
    // It ran a little: asleep again, for 20 s more.
    processes.set(600, { all: { ...sleeper, user: 6n }, args: ['sleeper'] })
    now += 1000
    expect(await state()).toBe('sleeping')
    now += IDLE_AFTER_MS
    expect(await state()).toBe('idle')
    expect(asked).toEqual({ userName: 1, procArgs: 1 })
    // The pid reused by a new process (another start): a new process, not idle, arguments read again.
    processes.set(600, { all: { ...sleeper, startSec: 1_800_000_000 }, args: ['other'] })
    const [row] = await sampler.sample()
    expect(row).toMatchObject({ state: 'sleeping', command: 'other' })
    expect(asked.procArgs).toBe(2)
  })

  it('leaves out a pid that ended between the listing and its info', async () => {
    const { calls } = machine(new Map([[7, { all: { pid: 7, comm: 'here' } }]]))
    const listed = { ...calls, listPids: () => [7, 8] }
    expect((await new DarwinNativeSampler(listed, () => 0).sample()).map((row) => row.pid)).toEqual([7])
  })
})

describe('where libproc cannot be called (every OS but macOS)', () => {
  it.runIf(process.platform !== 'darwin')('the darwin module falls back to systeminformation and says why', () => {
    expect(darwin.processes.samplerKind).toBe('systeminformation')
    expect((darwin.processes as { fallbackReason?: string | null }).fallbackReason).toMatch(/libSystem/)
  })
})

describe("ps' own state letters, which systeminformation's mapping loses (macOS's I and U)", linuxOnly('ps and a stopped process here stand in for macOS, whose ps shows I and U'), () => {
  it("reads each process's letters, a stopped one's T among them", async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' })
    try {
      await once(child, 'spawn')
      process.kill(child.pid!, 'SIGSTOP')
      let letters = readPsStates()
      while (!letters.get(child.pid!)?.startsWith('T')) letters = readPsStates()
      expect(letters.get(process.pid)).toMatch(/^[RS]/)
    } finally {
      child.kill('SIGKILL')
    }
  })

  it("puts them over systeminformation's words in its rows", async () => {
    // ps' letter for this process as macOS would give it for one asleep for 20 s.
    const sampler = new SystemInformationSampler(DARWIN_SI_SHAPE, 2, () => new Map([[process.pid, 'I+']]))
    const rows = await sampler.sample()
    expect(rows.find((row) => row.pid === process.pid)?.state).toBe('idle')
    expect(rows.find((row) => row.pid === process.ppid)?.state).toMatch(/running|sleeping/)
  })
})
