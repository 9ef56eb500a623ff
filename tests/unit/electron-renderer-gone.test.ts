// When the window's renderer goes (crash, kill, out of memory) the shell reloads it, but not in a
// loop: past RELOADS_PER_MINUTE it shows a page saying what happened. And on macOS closing the last
// window does not quit. The decisions, without Electron; the real app is in tests/electron.
import { describe, expect, it } from 'vitest'
import { darwin } from '../../src-main/platform/darwin'
import { linux } from '../../src-main/platform/linux'
import { win32 } from '../../src-main/platform/win32'
import { crashPageUrl, ReloadBudget, RELOADS_PER_MINUTE } from '../../src-main/electron/renderer-gone'

describe('ReloadBudget', () => {
  it('reloads a few times a minute, then stops', () => {
    const budget = new ReloadBudget(3, 60_000)
    expect([0, 1_000, 2_000].map((t) => budget.allowReload(t))).toEqual([true, true, true])
    expect(budget.allowReload(3_000)).toBe(false)
    expect(budget.allowReload(30_000)).toBe(false)
  })

  it('forgets crashes older than its window, so a crash now and then always reloads', () => {
    const budget = new ReloadBudget(3, 60_000)
    for (let minute = 0; minute < 10; minute++) expect(budget.allowReload(minute * 61_000)).toBe(true)
    // Three crashes spread over a minute, then a fourth once the first is more than a minute old.
    const spread = new ReloadBudget(3, 60_000)
    expect([0, 20_000, 40_000, 60_000].map((t) => spread.allowReload(t))).toEqual([true, true, true, true])
  })
})

describe('the crash page', () => {
  function pageOf(url: string): string {
    expect(url.startsWith('data:text/html;charset=utf-8,')).toBe(true)
    return decodeURIComponent(url.slice('data:text/html;charset=utf-8,'.length))
  }

  it('says what happened, that the lab is unaffected, and how to try again', () => {
    const page = pageOf(crashPageUrl({ reason: 'oom', exitCode: 133 }, '/home/u/.config/proclab/logs/proclab.log', linux.shortcutKey))
    expect(page).toContain('oom, exit code 133')
    expect(page).toContain(`each of ${RELOADS_PER_MINUTE} reloads`)
    expect(page).toContain('a run in progress goes on')
    expect(page).toContain('View → Reload</b> (Ctrl+R)')
    expect(page).toContain('/home/u/.config/proclab/logs/proclab.log')
    expect(pageOf(crashPageUrl({ reason: 'crashed', exitCode: 11 }, null, darwin.shortcutKey))).toContain('(⌘R)')
  })

  it('runs no script and shows names as text', () => {
    const page = pageOf(crashPageUrl({ reason: '<script>alert(1)</script>', exitCode: 1 }, '/tmp/"><img src=x onerror=alert(1)>.log'))
    expect(page).not.toMatch(/<script|<img/i)
    expect(page).toContain('&lt;script&gt;')
    expect(page).toContain("content=\"default-src 'none'; style-src 'unsafe-inline'\"")
  })
})

describe('closing the last window', () => {
  it('quits on Linux and Windows, not on macOS', () => {
    expect(linux.appOutlivesWindows).toBe(false)
    expect(win32.appOutlivesWindows).toBe(false)
    expect(darwin.appOutlivesWindows).toBe(true)
  })
})
