// The kill dialog offers what the host's OS can send, as the host's hello says: every signal on
// Linux and macOS, SIGTERM and SIGKILL on Windows (which the host would refuse the others for).
import { describe, expect, it } from 'vitest'
import { SIGNALS } from '../../src-shared/contract'
import { darwin } from '../../src-main/platform/darwin'
import { linux } from '../../src-main/platform/linux'
import { win32 } from '../../src-main/platform/win32'
import { KILL_SIGNALS, offeredSignals, onlyEnds } from '../../src-renderer/features/system/signals'
import { withHost } from '../helpers/lab'
import { onWindows } from '../helpers/platform'

describe('the signals the kill dialog offers', () => {
  it("POSIX hosts: all of them, in the dialog's order, SIGTERM first", () => {
    expect(offeredSignals(linux.signals.available)).toEqual([...KILL_SIGNALS])
    expect(offeredSignals(darwin.signals.available)).toEqual([...KILL_SIGNALS])
    expect(KILL_SIGNALS[0]).toBe('SIGTERM')
    // So the help speaks of catching and pausing.
    expect(onlyEnds(offeredSignals(linux.signals.available))).toBe(false)
  })

  it('a Windows host: only SIGTERM and SIGKILL, whatever order the host lists them in', () => {
    expect(offeredSignals(win32.signals.available)).toEqual(['SIGTERM', 'SIGKILL'])
    expect(offeredSignals(['SIGKILL', 'SIGTERM'])).toEqual(['SIGTERM', 'SIGKILL'])
    // So the help says both end the process, and a tree is ended parents first, not paused.
    expect(onlyEnds(offeredSignals(win32.signals.available))).toBe(true)
  })

  it('before the host has said: all of them (the host refuses what its OS lacks)', () => {
    expect(offeredSignals(undefined)).toEqual([...KILL_SIGNALS])
  })

  it("the host's hello lists its OS's signals, of the contract's list", async () => {
    await withHost({}, async (host) => {
      const hello = await host.call('hello', {})
      expect(hello.signals.length).toBeGreaterThan(0)
      expect(hello.signals.every((signal) => (SIGNALS as readonly string[]).includes(signal))).toBe(true)
      expect(offeredSignals(hello.signals)).toEqual(onWindows ? ['SIGTERM', 'SIGKILL'] : [...KILL_SIGNALS])
    })
  })
})
