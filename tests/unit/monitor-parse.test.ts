import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { LinuxProcSampler, parseCmdline, parseProcStat, parseStatusUid, stateFromLetter, stateFromWord } from '../../src-main/monitor'
import { displayName } from '../../src-main/platform/linux/proc-sampler'
import { readProcText } from '../../src-main/platform/linux/proc-files'
import { parsePasswd } from '../../src-main/platform/linux/user-names'
import { linuxOnly } from '../helpers/platform'

const fixtures = fileURLToPath(new URL('../fixtures/monitor', import.meta.url))
const statFixture = (name: string): string => readFileSync(join(fixtures, 'stat', name), 'utf8')

describe('parseProcStat', () => {
  it('reads a name with a ) and a space in it from the last )', () => {
    expect(parseProcStat(statFixture('paren-space.stat'))).toEqual({
      pid: 4242,
      comm: 'a) b',
      state: 'S',
      ppid: 1,
      utime: 11,
      stime: 22,
      nice: 5,
      threads: 3,
      starttime: 12345,
      rss: 100,
    })
  })

  it('reads a name wrapped in its own parentheses: (a) b)', () => {
    const stat = parseProcStat(statFixture('paren-wrapped.stat'))
    expect(stat).toMatchObject({ pid: 4243, comm: '(a) b)', state: 'R', ppid: 7, utime: 1, stime: 2, starttime: 500, rss: 10 })
  })

  it('keeps runs of spaces inside the name and reads negative nice', () => {
    expect(parseProcStat(statFixture('spaces.stat'))).toMatchObject({ pid: 4244, comm: 'my proc  name', state: 'D', ppid: 4242, nice: -5, threads: 2 })
  })

  it('is not fooled by a name that spells out fake fields', () => {
    // A first-')' parser would read state R and ppid 7 here.
    expect(parseProcStat(statFixture('fake-fields.stat'))).toMatchObject({ pid: 4245, comm: 'x) R 7 y', state: 't', ppid: 1, rss: 30 })
  })

  it('reads UTF-8 names and zombie state', () => {
    expect(parseProcStat(statFixture('unicode.stat'))).toMatchObject({ pid: 4246, comm: '进程', state: 'Z', ppid: 4242 })
  })

  it('reads a kernel thread whose parent is pid 0', () => {
    expect(parseProcStat(statFixture('kthread.stat'))).toMatchObject({ pid: 2, comm: 'kthreadd', ppid: 0 })
  })

  it('returns null for truncated or foreign text instead of throwing', () => {
    expect(parseProcStat(statFixture('truncated.stat'))).toBeNull()
    expect(parseProcStat('')).toBeNull()
    expect(parseProcStat('hello world')).toBeNull()
    expect(parseProcStat('(x) S 1')).toBeNull()
  })

  it('parses this very process', linuxOnly('reads /proc/self/stat'), () => {
    const stat = parseProcStat(readFileSync('/proc/self/stat', 'utf8'))
    expect(stat).toMatchObject({ pid: process.pid, ppid: process.ppid, state: 'R' })
  })
})

describe('state letters', () => {
  it.each([
    ['R', 'running'],
    ['S', 'sleeping'],
    ['D', 'disk-wait'],
    ['T', 'stopped'],
    ['t', 'stopped'],
    ['Z', 'zombie'],
    ['I', 'idle'],
    ['Ss', 'sleeping'],
    ['U', 'disk-wait'], // macOS: uninterruptible wait
    ['I+', 'idle'], // macOS: asleep for more than 20 s, in the foreground group
    ['X', 'unknown'],
    ['W', 'unknown'],
    ['', 'unknown'],
  ] as const)('%s -> %s', (letter, state) => {
    expect(stateFromLetter(letter)).toBe(state)
  })

  it("maps systeminformation's words", () => {
    expect(stateFromWord('running')).toBe('running')
    expect(stateFromWord('blocked')).toBe('disk-wait')
    expect(stateFromWord('zombie')).toBe('zombie')
    expect(stateFromWord('suspended ready')).toBe('stopped')
    expect(stateFromWord('dead')).toBe('unknown')
    expect(stateFromWord('whatever')).toBe('unknown')
  })
})

describe('cmdline, status, passwd, names', () => {
  it('splits argv on NUL, keeps empty and spaced arguments, drops trailing padding', () => {
    expect(parseCmdline(Buffer.from('node\0-e\0\0a b\0'))).toEqual(['node', '-e', '', 'a b'])
    expect(parseCmdline(Buffer.from('title set by setproctitle\0\0\0\0'))).toEqual(['title set by setproctitle'])
    expect(parseCmdline(Buffer.from('no-trailing-nul'))).toEqual(['no-trailing-nul'])
    expect(parseCmdline(Buffer.alloc(0))).toEqual([])
  })

  it('takes the effective uid from status', () => {
    expect(parseStatusUid('Name:\tsu\nUid:\t1000\t0\t0\t0\nGid:\t0\n')).toBe(0)
    expect(parseStatusUid('Name:\tx\n')).toBeNull()
  })

  it('parses passwd, first name wins for a shared uid', () => {
    const names = parsePasswd(readFileSync(join(fixtures, 'passwd'), 'utf8'))
    expect(names.get(0)).toBe('root')
    expect(names.get(1000)).toBe('alice')
    expect(names.size).toBe(2)
  })

  it('restores a name the kernel cut at 15 bytes from argv[0]', () => {
    expect(displayName('systemd-journal', ['/usr/lib/systemd/systemd-journald'])).toBe('systemd-journald')
    expect(displayName('npm exec tsx /t', ['npm exec tsx /tmp/x.mts'])).toBe('npm exec tsx /tmp/x.mts')
    expect(displayName('memfd:sealed-91', ['line_io_tools/binary_backend'])).toBe('memfd:sealed-91')
    // Node ≥ 24 renames every Node process's main thread; the program's name comes from argv.
    expect(displayName('MainThread', ['/opt/node/bin/node', '-e', '0'])).toBe('node')
    expect(displayName('bash', ['/bin/bash-but-longer'])).toBe('bash')
  })
})

describe('readProcText', () => {
  it('reads files longer than its buffer whole, UTF-8 across the seams, and cuts at the limit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'proclab-monitor-'))
    try {
      const text = 'ä'.repeat(20_000) + '\0end' // 40 kB: two buffer refills, a two-byte char on each seam
      writeFileSync(join(dir, 'cmdline'), text)
      expect(readProcText(join(dir, 'cmdline'))).toBe(text)
      expect(readProcText(join(dir, 'cmdline'), 16 * 1024)).toBe('ä'.repeat(8 * 1024))
      writeFileSync(join(dir, 'empty'), '')
      expect(readProcText(join(dir, 'empty'))).toBe('')
      expect(() => readProcText(join(dir, 'gone'))).toThrow(expect.objectContaining({ code: 'ENOENT' }))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('LinuxProcSampler on a fixture /proc', () => {
  const sampler = new LinuxProcSampler({
    procRoot: join(fixtures, 'proc'),
    passwdPath: join(fixtures, 'passwd'),
    pageSize: 4096,
    clockTicks: 100,
  })

  it('reads every process, skips the vanished one and non-pid entries', async () => {
    const rows = await sampler.sample()
    expect(rows.map((r) => r.pid).sort((a, b) => a - b)).toEqual([1, 2, 100, 101, 102, 103, 105, 106, 107])
  })

  it('builds raw rows from stat, cmdline and status', async () => {
    const before = Date.now()
    const rows = new Map((await sampler.sample()).map((r) => [r.pid, r]))
    const p100 = rows.get(100)!
    expect(p100).toMatchObject({
      ppid: 1,
      name: 'a) b',
      command: '/opt/a) b --flag with space',
      user: 'alice',
      state: 'sleeping',
      cpuTimeMs: 5000, // (300 + 200) ticks at 100 Hz
      cpuPercentHint: null,
      rss: 2560 * 4096,
    })
    // boot was 1000.5 s before the first sample; starttime 50000 ticks = 500 s after boot
    expect(Math.abs(p100.startedAt! - (before - 500_500))).toBeLessThan(1000)
    expect(rows.get(101)).toMatchObject({ state: 'zombie', command: '[my proc]', user: 'alice' })
    expect(rows.get(102)).toMatchObject({ state: 'stopped', ppid: 100, name: 'x) R 7 y' })
    expect(rows.get(2)).toMatchObject({ ppid: 0, command: '[kthreadd]', user: 'root' })
    expect(rows.get(103)).toMatchObject({ name: 'systemd-journald' })
    expect(rows.get(105)).toMatchObject({ user: '4242', state: 'idle' })
    expect(rows.get(106)).toMatchObject({ command: 'npm exec tsx /tmp/x.mts', state: 'running' })
    expect(rows.get(107)).toMatchObject({ name: 'guarded', command: 'guarded', user: '?', rss: 5 * 4096 })
  })

  it('throws only when /proc itself is missing', async () => {
    await expect(new LinuxProcSampler({ procRoot: join(fixtures, 'no-such-proc'), pageSize: 4096, clockTicks: 100 }).sample()).rejects.toThrow()
  })
})
