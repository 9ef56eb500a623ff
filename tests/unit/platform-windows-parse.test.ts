// Windows' native process table read from bytes, on any OS: the offsets process-info.ts and
// system.ts read against the C layout of the structs as Windows' headers declare them (laid out by
// koffi, a real C ABI engine, on this x64 machine), buffers built from those structs, and a buffer
// that Wine's kernel filled (tests/fixtures/windows).
import { readFileSync } from 'node:fs'
import { arch } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadKoffi } from '../../src-main/platform/koffi'
import { nativeOrFallback } from '../../src-main/platform/native-table'
import type { ProcessTable, RawProcess } from '../../src-main/platform/types'
import { splitCommandLine } from '../../src-main/platform/win32/command-line'
import { sidText } from '../../src-main/platform/win32/identity'
import { parseProcessInformation, PROCESS, THREAD, type NtProcess } from '../../src-main/platform/win32/process-info'
import { filetimeToEpochMs, niceOf, rawFromNt, stateOf, withLiveParents } from '../../src-main/platform/win32/process-rows'
import { busyPercent, parseMemoryStatus, parseProcessorTimes, PROCESSOR } from '../../src-main/platform/win32/system'

const koffi = loadKoffi()

// The structs as winternl.h and phnt's ntexapi.h declare them, field by field; Windows' type names
// spelled as koffi's (ULONG is 32 bits on Windows whatever the ABI: uint32_t; pointers and
// HANDLEs are uintptr_t, so a test can write any address into them).
const UNICODE_STRING = koffi.struct('UNICODE_STRING_t', { Length: 'uint16_t', MaximumLength: 'uint16_t', Buffer: 'uintptr_t' })
const SYSTEM_PROCESS_INFORMATION = koffi.struct('SYSTEM_PROCESS_INFORMATION_t', {
  NextEntryOffset: 'uint32_t',
  NumberOfThreads: 'uint32_t',
  WorkingSetPrivateSize: 'int64_t',
  HardFaultCount: 'uint32_t',
  NumberOfThreadsHighWatermark: 'uint32_t',
  CycleTime: 'uint64_t',
  CreateTime: 'int64_t',
  UserTime: 'int64_t',
  KernelTime: 'int64_t',
  ImageName: UNICODE_STRING,
  BasePriority: 'int32_t',
  UniqueProcessId: 'uintptr_t',
  InheritedFromUniqueProcessId: 'uintptr_t',
  HandleCount: 'uint32_t',
  SessionId: 'uint32_t',
  UniqueProcessKey: 'uintptr_t',
  PeakVirtualSize: 'size_t',
  VirtualSize: 'size_t',
  PageFaultCount: 'uint32_t',
  PeakWorkingSetSize: 'size_t',
  WorkingSetSize: 'size_t',
  QuotaPeakPagedPoolUsage: 'size_t',
  QuotaPagedPoolUsage: 'size_t',
  QuotaPeakNonPagedPoolUsage: 'size_t',
  QuotaNonPagedPoolUsage: 'size_t',
  PagefileUsage: 'size_t',
  PeakPagefileUsage: 'size_t',
  PrivatePageCount: 'size_t',
  ReadOperationCount: 'int64_t',
  WriteOperationCount: 'int64_t',
  OtherOperationCount: 'int64_t',
  ReadTransferCount: 'int64_t',
  WriteTransferCount: 'int64_t',
  OtherTransferCount: 'int64_t',
})
const CLIENT_ID = koffi.struct('CLIENT_ID_t', { UniqueProcess: 'uintptr_t', UniqueThread: 'uintptr_t' })
const SYSTEM_THREAD_INFORMATION = koffi.struct('SYSTEM_THREAD_INFORMATION_t', {
  KernelTime: 'int64_t',
  UserTime: 'int64_t',
  CreateTime: 'int64_t',
  WaitTime: 'uint32_t',
  StartAddress: 'uintptr_t',
  ClientId: CLIENT_ID,
  Priority: 'int32_t',
  BasePriority: 'int32_t',
  ContextSwitches: 'uint32_t',
  ThreadState: 'uint32_t',
  WaitReason: 'uint32_t',
})
const SYSTEM_PROCESSOR_PERFORMANCE_INFORMATION = koffi.struct('SYSTEM_PROCESSOR_PERFORMANCE_INFORMATION_t', {
  IdleTime: 'int64_t',
  KernelTime: 'int64_t',
  UserTime: 'int64_t',
  DpcTime: 'int64_t',
  InterruptTime: 'int64_t',
  InterruptCount: 'uint32_t',
})

// KTHREAD_STATE and KWAIT_REASON values used below.
const READY = 1
const RUNNING = 2
const WAITING = 5
const EXECUTIVE = 0
const SUSPENDED = 5
const USER_REQUEST = 6

/** 2026-01-02T03:04:05.678Z as a FILETIME (100 ns since 1601). */
const CREATED_MS = Date.UTC(2026, 0, 2, 3, 4, 5, 678)
const CREATED = (BigInt(CREATED_MS) + 11_644_473_600_000n) * 10_000n

interface FixtureProcess {
  pid: number
  ppid: number
  name: string
  threads: Array<{ state: number; waitReason: number }>
  createTime?: bigint
  userTime?: bigint
  kernelTime?: bigint
  basePriority?: number
  workingSet?: number
}

/**
 * The kernel's answer for `processes`, as if written at address `base`: each entry, its threads,
 * then its name (as Windows lays them out), entries 8-byte aligned.
 */
function buildTable(processes: FixtureProcess[], base: bigint): Buffer {
  const sizes = processes.map((p) => align8(koffi.sizeof(SYSTEM_PROCESS_INFORMATION) + p.threads.length * koffi.sizeof(SYSTEM_THREAD_INFORMATION) + 2 * p.name.length + 2))
  const buffer = Buffer.alloc(sizes.reduce((a, b) => a + b, 0) + 64)
  let at = 0
  processes.forEach((p, i) => {
    const nameAt = at + koffi.sizeof(SYSTEM_PROCESS_INFORMATION) + p.threads.length * koffi.sizeof(SYSTEM_THREAD_INFORMATION)
    koffi.encode(buffer, at, SYSTEM_PROCESS_INFORMATION, {
      NextEntryOffset: i === processes.length - 1 ? 0 : sizes[i],
      NumberOfThreads: p.threads.length,
      CreateTime: p.createTime ?? CREATED,
      UserTime: p.userTime ?? 0n,
      KernelTime: p.kernelTime ?? 0n,
      ImageName: { Length: 2 * p.name.length, MaximumLength: 2 * p.name.length + 2, Buffer: p.name ? base + BigInt(nameAt) : 0n },
      BasePriority: p.basePriority ?? 8,
      UniqueProcessId: p.pid,
      InheritedFromUniqueProcessId: p.ppid,
      HandleCount: 10,
      SessionId: 1,
      VirtualSize: 1 << 30,
      WorkingSetSize: p.workingSet ?? 4096,
    })
    p.threads.forEach((t, n) => {
      koffi.encode(buffer, at + koffi.sizeof(SYSTEM_PROCESS_INFORMATION) + n * koffi.sizeof(SYSTEM_THREAD_INFORMATION), SYSTEM_THREAD_INFORMATION, {
        ClientId: { UniqueProcess: p.pid, UniqueThread: p.pid + 4 * (n + 1) },
        Priority: 8,
        BasePriority: 8,
        ThreadState: t.state,
        WaitReason: t.waitReason,
      })
    })
    buffer.write(p.name, nameAt, 'utf16le')
    at += sizes[i]!
  })
  return buffer.subarray(0, at)
}

const align8 = (n: number) => Math.ceil(n / 8) * 8
const running = { state: RUNNING, waitReason: EXECUTIVE }
const ready = { state: READY, waitReason: EXECUTIVE }
const waiting = { state: WAITING, waitReason: USER_REQUEST }
const suspended = { state: WAITING, waitReason: SUSPENDED }

const BASE = 0x2_0000_1000n

describe.runIf(arch() === 'x64')('the x64 layout read by process-info.ts and system.ts is the C layout of the headers', () => {
  it('SYSTEM_PROCESS_INFORMATION: every offset read, and its size (where the threads start)', () => {
    const offset = (field: string) => koffi.offsetof(SYSTEM_PROCESS_INFORMATION, field)
    expect(PROCESS).toEqual({
      size: koffi.sizeof(SYSTEM_PROCESS_INFORMATION),
      nextEntryOffset: offset('NextEntryOffset'),
      numberOfThreads: offset('NumberOfThreads'),
      createTime: offset('CreateTime'),
      userTime: offset('UserTime'),
      kernelTime: offset('KernelTime'),
      imageNameLength: offset('ImageName') + koffi.offsetof(UNICODE_STRING, 'Length'),
      imageNameBuffer: offset('ImageName') + koffi.offsetof(UNICODE_STRING, 'Buffer'),
      basePriority: offset('BasePriority'),
      uniqueProcessId: offset('UniqueProcessId'),
      inheritedFromUniqueProcessId: offset('InheritedFromUniqueProcessId'),
      handleCount: offset('HandleCount'),
      sessionId: offset('SessionId'),
      workingSetSize: offset('WorkingSetSize'),
    })
    expect(PROCESS.size).toBe(0x100)
  })

  it('SYSTEM_THREAD_INFORMATION and SYSTEM_PROCESSOR_PERFORMANCE_INFORMATION', () => {
    expect(THREAD).toEqual({
      size: koffi.sizeof(SYSTEM_THREAD_INFORMATION),
      threadState: koffi.offsetof(SYSTEM_THREAD_INFORMATION, 'ThreadState'),
      waitReason: koffi.offsetof(SYSTEM_THREAD_INFORMATION, 'WaitReason'),
    })
    expect(THREAD.size).toBe(0x50)
    expect(PROCESSOR).toEqual({
      size: koffi.sizeof(SYSTEM_PROCESSOR_PERFORMANCE_INFORMATION),
      idleTime: koffi.offsetof(SYSTEM_PROCESSOR_PERFORMANCE_INFORMATION, 'IdleTime'),
      kernelTime: koffi.offsetof(SYSTEM_PROCESSOR_PERFORMANCE_INFORMATION, 'KernelTime'),
      userTime: koffi.offsetof(SYSTEM_PROCESSOR_PERFORMANCE_INFORMATION, 'UserTime'),
    })
  })
})

describe('a table built from the structs', () => {
  const processes: FixtureProcess[] = [
    // The Idle process: nameless, its own parent, its threads "running" the idle loop.
    { pid: 0, ppid: 0, name: '', threads: [running, running], createTime: 0n, kernelTime: 123_000_000n },
    { pid: 4, ppid: 0, name: 'System', threads: [waiting, waiting, ready], createTime: 0n },
    { pid: 1234, ppid: 4, name: 'node.exe', threads: [waiting, running, waiting], userTime: 15_000_000n, kernelTime: 2_500_001n, workingSet: 50 * 1024 * 1024, basePriority: 13 },
    { pid: 5678, ppid: 1234, name: 'Ünïcödé 名前.exe', threads: [suspended, suspended], basePriority: 4 },
    { pid: 6000, ppid: 1234, name: 'half-suspended.exe', threads: [suspended, waiting], basePriority: 9 },
    { pid: 7000, ppid: 999, name: 'ended.exe', threads: [] },
  ]
  const table = parseProcessInformation(buildTable(processes, BASE), BASE)

  it('reads every entry of the chain: pid, parent, name, threads', () => {
    expect(table.map((p) => [p.pid, p.ppid, p.name, p.threads])).toEqual([
      [0, 0, '', 2],
      [4, 0, 'System', 3],
      [1234, 4, 'node.exe', 3],
      [5678, 1234, 'Ünïcödé 名前.exe', 2],
      [6000, 1234, 'half-suspended.exe', 2],
      [7000, 999, 'ended.exe', 0],
    ])
  })

  it('counts running and suspended threads, and reads times, priority and memory as written', () => {
    const node = table[2]!
    expect(node).toMatchObject({ runnableThreads: 1, suspendedThreads: 0, cpuTime: 17_500_001n, createTime: CREATED, basePriority: 13, workingSetSize: 50 * 1024 * 1024, sessionId: 1 })
    expect(table[1]!.runnableThreads).toBe(1) // Ready counts: Linux's R is "runnable" too
    expect(table[3]).toMatchObject({ runnableThreads: 0, suspendedThreads: 2 })
  })

  it('makes RawProcess rows in the units every platform gives the monitor', () => {
    const rows = table.map((p) => rawFromNt(p, { user: 'me', command: null }))
    const node = rows[2]!
    expect(node).toEqual<RawProcess>({
      pid: 1234,
      ppid: 4,
      name: 'node.exe',
      command: 'node.exe',
      user: 'me',
      state: 'running',
      cpuTimeMs: 1750.0001,
      cpuPercentHint: null,
      rss: 50 * 1024 * 1024,
      startedAt: CREATED_MS,
      threads: 3,
      nice: -14,
    })
    expect(rows.map((r) => [r.name, r.state, r.nice])).toEqual([
      ['System Idle Process', 'idle', 0],
      ['System', 'running', 0],
      ['node.exe', 'running', -14],
      ['Ünïcödé 名前.exe', 'stopped', 19],
      ['half-suspended.exe', 'sleeping', null],
      ['ended.exe', 'zombie', 0],
    ])
    // The kernel's processes have no start time of their own; the Idle process is no child of itself.
    expect(rows[0]).toMatchObject({ ppid: 0, startedAt: null, cpuTimeMs: 12300 })
    expect(rawFromNt(table[2]!, { user: 'me', command: 'C:\\node.exe "a b"' }).command).toBe('C:\\node.exe "a b"')
  })

  it("takes a parent younger than its child for a stranger that reused the ended parent's pid: an orphan", () => {
    const second = 10_000_000n
    const bytes = buildTable(
      [
        { pid: 100, ppid: 4, name: 'explorer.exe', threads: [waiting], createTime: CREATED },
        { pid: 200, ppid: 100, name: 'child.exe', threads: [waiting], createTime: CREATED + second },
        // 300 was started by a pid-500 process that has ended; the pid now names a younger one.
        { pid: 300, ppid: 500, name: 'orphan.exe', threads: [waiting], createTime: CREATED + 2n * second },
        { pid: 500, ppid: 100, name: 'stranger.exe', threads: [waiting], createTime: CREATED + 3n * second },
        // Its creator is gone and its pid unused: the number stays, naming no process.
        { pid: 600, ppid: 700, name: 'lone.exe', threads: [waiting], createTime: CREATED },
      ],
      BASE,
    )
    expect(withLiveParents(parseProcessInformation(bytes, BASE)).map((p) => [p.pid, p.ppid])).toEqual([
      [100, 4],
      [200, 100],
      [300, 0],
      [500, 100],
      [600, 700],
    ])
  })

  it('reads a name only inside the buffer: a pointer elsewhere is an empty name, not foreign memory', () => {
    const bytes = buildTable([{ pid: 8, ppid: 4, name: 'x.exe', threads: [waiting] }], BASE)
    // The same bytes said to be somewhere else: the name's address now points before the buffer.
    expect(parseProcessInformation(bytes, BASE + 0x10_0000n)[0]).toMatchObject({ pid: 8, name: '' })
    // ... or past it.
    expect(parseProcessInformation(bytes, BASE - 0x10_0000n)[0]).toMatchObject({ pid: 8, name: '' })
  })

  it('refuses a chain that leaves the buffer (a short read, a wrong layout)', () => {
    const bytes = buildTable(processes, BASE)
    expect(() => parseProcessInformation(bytes.subarray(0, 300), BASE)).toThrow(/runs past|run past/)
    const broken = Buffer.from(bytes)
    broken.writeUInt32LE(bytes.length + 8, 0) // NextEntryOffset past the end
    expect(() => parseProcessInformation(broken, BASE)).toThrow(/runs past/)
  })
})

describe('process states and units', () => {
  const p = (threads: number, runnable: number, suspended: number, pid = 100): Pick<NtProcess, 'pid' | 'threads' | 'runnableThreads' | 'suspendedThreads'> => ({ pid, threads, runnableThreads: runnable, suspendedThreads: suspended })

  it('judges the process by its threads', () => {
    expect(stateOf(p(3, 1, 0))).toBe('running')
    expect(stateOf(p(3, 0, 0))).toBe('sleeping')
    expect(stateOf(p(3, 0, 3))).toBe('stopped')
    expect(stateOf(p(3, 1, 2))).toBe('running')
    expect(stateOf(p(0, 0, 0))).toBe('zombie')
    expect(stateOf(p(2, 2, 0, 0))).toBe('idle')
  })

  it('maps priority classes to the nice values Node gives them, and nothing else', () => {
    expect([4, 6, 8, 10, 13, 24].map(niceOf)).toEqual([19, 10, 0, -7, -14, -20])
    expect(niceOf(2)).toBeNull() // what Wine 8 puts there: its priority class number, not a priority
    expect(niceOf(9)).toBeNull()
  })

  it('turns FILETIMEs into epoch ms', () => {
    expect(filetimeToEpochMs(CREATED)).toBe(CREATED_MS)
    expect(filetimeToEpochMs(116_444_736_000_000_000n + 10_000n)).toBe(1)
    expect(filetimeToEpochMs(0n)).toBeNull()
  })

  it('spells SIDs as Windows does', () => {
    // S-1-5-21-1-2-3-1001: revision 1, five sub-authorities, authority 5 (NT).
    const sid = Buffer.alloc(8 + 4 * 5)
    sid[0] = 1
    sid[1] = 5
    sid.writeUIntBE(5, 2, 6)
    ;[21, 1, 2, 3, 1001].forEach((n, i) => sid.writeUInt32LE(n, 8 + 4 * i))
    expect(sidText(sid)).toBe('S-1-5-21-1-2-3-1001')
  })
})

describe('the table Wine 8 gave Windows Node (a captured buffer)', () => {
  const dir = join(import.meta.dirname, '../fixtures/windows')
  const meta = JSON.parse(readFileSync(join(dir, 'system-process-information.wine8.json'), 'utf8')) as { base: string; length: number }
  const bytes = readFileSync(join(dir, 'system-process-information.wine8.bin'))
  const table = parseProcessInformation(bytes, BigInt(meta.base))

  it("lists node.exe and Wine's services, each name where its pointer says", () => {
    expect(bytes.length).toBe(meta.length)
    expect(table.map((p) => p.name).sort()).toEqual(['explorer.exe', 'node.exe', 'plugplay.exe', 'rpcss.exe', 'services.exe', 'svchost.exe', 'winedevice.exe', 'winedevice.exe'])
    const services = table.find((p) => p.name === 'services.exe')!
    expect(table.filter((p) => p.ppid === services.pid).map((p) => p.name).sort()).toEqual(['plugplay.exe', 'rpcss.exe', 'svchost.exe', 'winedevice.exe', 'winedevice.exe'])
  })

  it("reads the threads where the kernel put them: each thread's ClientId names its own process", () => {
    // Entries are not 8-byte aligned under Wine: the walk follows NextEntryOffset, not a stride.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    let at = 0
    for (const p of table) {
      expect(p.threads).toBeGreaterThan(0)
      for (let t = 0; t < p.threads; t++) expect(Number(view.getBigUint64(at + PROCESS.size + t * THREAD.size + 0x28, true))).toBe(p.pid)
      at += view.getUint32(at, true)
    }
    // Created within seconds of each other (Wine's boot and node.exe), and 2026's dates.
    const starts = table.map((p) => filetimeToEpochMs(p.createTime)!)
    expect(Math.max(...starts) - Math.min(...starts)).toBeLessThan(60_000)
    expect(new Date(Math.min(...starts)).getUTCFullYear()).toBe(2026)
  })

  it('reads as sleeping processes without a nice value: Wine fills neither thread states nor base priorities', () => {
    const rows = table.map((p) => rawFromNt(p, { user: 'root', command: null }))
    expect(new Set(rows.map((r) => r.state))).toEqual(new Set(['sleeping']))
    expect(rows.every((r) => r.nice === null && r.rss > 0 && r.cpuTimeMs! > 0)).toBe(true)
  })
})

describe('machine figures', () => {
  it('reads busy time per core from SystemProcessorPerformanceInformation, between two readings', () => {
    const size = koffi.sizeof(SYSTEM_PROCESSOR_PERFORMANCE_INFORMATION)
    const bytes = Buffer.alloc(2 * size)
    // Kernel time includes idle time, as Windows counts it.
    const write = (cores: Array<[idle: bigint, kernel: bigint, user: bigint]>) =>
      cores.forEach(([idle, kernel, user], i) => koffi.encode(bytes, i * size, SYSTEM_PROCESSOR_PERFORMANCE_INFORMATION, { IdleTime: idle, KernelTime: kernel, UserTime: user }))
    write([
      [1000n, 1500n, 500n],
      [0n, 0n, 0n],
    ])
    const first = parseProcessorTimes(bytes)
    expect(busyPercent(first, null)).toEqual([50, 0])
    write([
      [1900n, 2500n, 500n], // 1000 more, 900 of it idle
      [0n, 100n, 300n], // 400 more, none idle
    ])
    expect(busyPercent(parseProcessorTimes(bytes), first)).toEqual([10, 100])
  })

  it('reads MEMORYSTATUSEX: RAM, and the page files as the commit limit beyond RAM', () => {
    const GiB = 1024 ** 3
    const status = (totalPhys: number, availPhys: number, totalPageFile: number, availPageFile: number) => {
      const bytes = Buffer.alloc(64)
      bytes.writeUInt32LE(64, 0)
      ;[totalPhys, availPhys, totalPageFile, availPageFile].forEach((n, i) => bytes.writeBigUInt64LE(BigInt(n), 8 + 8 * i))
      return bytes
    }
    // 16 GiB of RAM, 6 free; 4 GiB of page file; 12 GiB committed of the 20 GiB limit: 2 beyond what RAM holds.
    expect(parseMemoryStatus(status(16 * GiB, 6 * GiB, 20 * GiB, 8 * GiB))).toEqual({ mem: { total: 16 * GiB, used: 10 * GiB, available: 6 * GiB }, swap: { total: 4 * GiB, used: 2 * GiB } })
    // Wine without swap says the limit is RAM and one page.
    expect(parseMemoryStatus(status(16 * GiB, 6 * GiB, 16 * GiB + 8192, 6 * GiB)).swap).toEqual({ total: 0, used: 0 })
  })
})

describe('command lines split as the C runtime splits them', () => {
  it.each([
    ['C:\\node.exe -e "a b" --type=renderer', ['C:\\node.exe', '-e', 'a b', '--type=renderer']],
    ['"C:\\Program Files\\app.exe" x', ['C:\\Program Files\\app.exe', 'x']],
    ['app.exe "a\\"b" c\\\\"d e"', ['app.exe', 'a"b', 'c\\d e']],
    ['app.exe a\\\\b "c""d" \\\\\\"e', ['app.exe', 'a\\\\b', 'c"d', '\\"e']],
    ['  app.exe\t "" last', ['app.exe', '', 'last']],
    ['', []],
  ])('%s', (line, argv) => {
    expect(splitCommandLine(line)).toEqual(argv)
  })
})

describe('the seam: native table, or systeminformation with the reason said once', () => {
  const rows: RawProcess[] = [{ pid: 1, ppid: 0, name: 'a', command: 'a', user: 'u', state: 'sleeping', cpuTimeMs: null, cpuPercentHint: 0, rss: 0, startedAt: null, threads: null, nice: null }]
  const fakeTable = (kind: string, sample: () => Promise<RawProcess[]>): ProcessTable => ({
    samplerKind: kind,
    sampler: () => ({ kind, sample }),
    parentReader: () => () => new Map([[1, 0]]),
    details: () => {
      throw new Error('unused')
    },
    systemReader: () => ({ read: () => Promise.reject(new Error('unused')) }),
    totalMemory: () => 1,
    usage: null,
    commandLine: null,
    waitedChildrenCpuMs: null,
  })

  it('uses the fallback when the native table cannot be made, and says why once', async () => {
    const said: string[] = []
    let made = 0
    const table = nativeOrFallback({
      native: () => {
        made++
        throw new Error('koffi did not load')
      },
      fallback: () => fakeTable('systeminformation', async () => rows),
      report: (message) => said.push(message),
    })
    expect(made).toBe(0) // nothing is made before it is asked for
    expect(table.samplerKind).toBe('systeminformation')
    expect(await table.sampler().sample()).toBe(rows)
    expect(table.samplerKind).toBe('systeminformation')
    expect(made).toBe(1)
    expect(said).toEqual(['the native process table failed (koffi did not load); using systeminformation instead'])
    expect(table.fallbackReason).toBe('koffi did not load')
  })

  it('keeps the native table while it works, and falls back for good at its first failed sample', async () => {
    const said: string[] = []
    let fail = false
    const table = nativeOrFallback({
      native: () =>
        fakeTable('windows-nt', async () => {
          if (fail) throw new Error('NTSTATUS 0xc0000017')
          return []
        }),
      fallback: () => fakeTable('systeminformation', async () => rows),
      report: (message) => said.push(message),
    })
    const sampler = table.sampler()
    expect(sampler.kind).toBe('windows-nt')
    expect(await sampler.sample()).toEqual([])
    fail = true
    expect(await sampler.sample()).toBe(rows)
    expect(sampler.kind).toBe('systeminformation')
    expect(table.samplerKind).toBe('systeminformation')
    expect(said).toHaveLength(1)
  })
})
