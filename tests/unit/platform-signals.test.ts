// Each OS module's signals and exit statuses, the pure parts tested here whatever the OS running
// the tests: Windows' rules by importing its module.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { SIGNALS } from '../../src-shared/contract'
import { platform, platformFor } from '../../src-main/platform'
import { darwin } from '../../src-main/platform/darwin'
import { linux } from '../../src-main/platform/linux'
import { terminationCode, win32 } from '../../src-main/platform/win32'
import { linuxOnly } from '../helpers/platform'

describe('which signals exist', () => {
  it('POSIX: every signal the UI offers', () => {
    expect(linux.signals.available).toEqual(SIGNALS)
    expect(darwin.signals.available).toEqual(SIGNALS)
    expect(platformFor('freebsd').signals.available).toEqual(SIGNALS)
  })

  it('Windows: only the two that end a process', () => {
    expect(win32.signals.available).toEqual(['SIGTERM', 'SIGKILL'])
  })

  it('only Linux takes a thread id for its process', () => {
    expect(darwin.signals.processOf(12345)).toBe(12345)
    expect(win32.signals.processOf(12345)).toBe(12345)
  })

  it("Linux: a thread's id names its process, which kill(2) would reach", linuxOnly('reads /proc/self/task'), () => {
    const threads = readdirSync('/proc/self/task').map(Number)
    const other = threads.find((tid) => tid !== process.pid)
    expect(linux.signals.processOf(process.pid)).toBe(process.pid)
    // Node runs V8 and libuv worker threads: there is always another.
    expect(other).toBeDefined()
    expect(linux.signals.processOf(other!)).toBe(process.pid)
  })
})

describe('exit statuses, as Python reports them', () => {
  it('POSIX: the code, or minus the signal', () => {
    for (const os of [linux, darwin]) {
      expect(os.exits.fromNode(0, null)).toEqual({ exitCode: 0, signal: null })
      expect(os.exits.fromNode(3, null)).toEqual({ exitCode: 3, signal: null })
      expect(os.exits.fromNode(null, 'SIGTERM')).toEqual({ exitCode: -15, signal: 'SIGTERM' })
      expect(os.exits.fromNode(null, 'SIGKILL')).toEqual({ exitCode: -9, signal: 'SIGKILL' })
    }
  })

  it('Windows: a signal Node reports, or a termination code ProcLab ended the process with, reads as minus the signal', () => {
    // A child Node killed itself (ChildProcess.kill) comes with its signal.
    expect(win32.exits.fromNode(null, 'SIGTERM')).toEqual({ exitCode: -15, signal: 'SIGTERM' })
    expect(win32.exits.fromNode(null, 'SIGKILL')).toEqual({ exitCode: -9, signal: 'SIGKILL' })
    // Ended by ProcLab elsewhere: only the exit code tells.
    expect(terminationCode('SIGKILL')).toBe(0x10009)
    expect(win32.exits.fromNode(terminationCode('SIGKILL'), null)).toEqual({ exitCode: -9, signal: 'SIGKILL' })
    expect(win32.exits.fromNode(terminationCode('SIGTERM'), null)).toEqual({ exitCode: -15, signal: 'SIGTERM' })
    expect(win32.exits.fromNode(terminationCode('SIGINT'), null)).toEqual({ exitCode: -2, signal: 'SIGINT' })
    // Python's terminate() code reads as Python reads it.
    expect(win32.exits.fromNode(0x10000, null)).toEqual({ exitCode: -15, signal: 'SIGTERM' })
    // Anything else is the code it is: TerminateProcess by another tool (taskkill /F gives 1), a crash.
    expect(win32.exits.fromNode(1, null)).toEqual({ exitCode: 1, signal: null })
    expect(win32.exits.fromNode(0xc0000005, null)).toEqual({ exitCode: 0xc0000005, signal: null })
    expect(win32.exits.signalNumber('SIGBREAK')).toBe(21)
  })

  it('reads what Node says about a real child ended by a signal', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
    await once(child, 'spawn')
    child.kill('SIGKILL')
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null]
    expect(platform.exits.fromNode(code, signal)).toEqual({ exitCode: -9, signal: 'SIGKILL' })
  })
})
