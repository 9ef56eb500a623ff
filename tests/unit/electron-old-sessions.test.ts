// The app now keeps its sessions in the folder the CLI uses; at start it moves what an older
// version left in Electron's userData folder. Real folders, real files: nothing may be lost or
// replaced, and a folder that is the new one under another name is left alone.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { moveOldFiles } from '../../src-main/electron/old-sessions'

let root: string
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'proclab-old-sessions-'))
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

function folderWith(path: string, files: Record<string, string>): string {
  mkdirSync(path, { recursive: true })
  for (const [name, text] of Object.entries(files)) writeFileSync(join(path, name), text, { mode: 0o600 })
  return path
}

const isSession = (name: string) => name.endsWith('.ndjson')

describe('moveOldFiles', () => {
  it('moves the old sessions into a new private folder and removes the emptied old one', async () => {
    const old = folderWith(join(root, 'config', 'proclab', 'sessions'), { 'session-a.ndjson': 'a\n', 'session-b.ndjson': 'b\n' })
    const now = join(root, 'data', 'proclab', 'sessions')
    const report = await moveOldFiles(old, now, isSession)
    expect(report).toEqual({ moved: ['session-a.ndjson', 'session-b.ndjson'], left: [] })
    expect(readFileSync(join(now, 'session-a.ndjson'), 'utf8')).toBe('a\n')
    expect(readFileSync(join(now, 'session-b.ndjson'), 'utf8')).toBe('b\n')
    expect(existsSync(old)).toBe(false)
    if (process.platform !== 'win32') {
      expect(statSync(now).mode & 0o777).toBe(0o700)
      expect(statSync(join(now, 'session-a.ndjson')).mode & 0o777).toBe(0o600)
    }
  })

  it('never replaces a file of the same name, and keeps what it does not want', async () => {
    const old = folderWith(join(root, 'old'), { 'session-a.ndjson': 'old a\n', 'session-b.ndjson': 'b\n', 'notes.txt': 'mine' })
    const now = folderWith(join(root, 'new'), { 'session-a.ndjson': 'new a\n' })
    const report = await moveOldFiles(old, now, isSession)
    expect(report.moved).toEqual(['session-b.ndjson'])
    expect(report.left).toEqual([{ name: 'session-a.ndjson', why: expect.stringContaining('already') }])
    expect(readFileSync(join(now, 'session-a.ndjson'), 'utf8')).toBe('new a\n')
    expect(readdirSync(old).sort()).toEqual(['notes.txt', 'session-a.ndjson'])
    expect(readFileSync(join(old, 'session-a.ndjson'), 'utf8')).toBe('old a\n')
  })

  it('does nothing when the old folder is missing or is the new one under another path', async () => {
    expect(await moveOldFiles(join(root, 'missing'), join(root, 'new'), isSession)).toEqual({ moved: [], left: [] })
    expect(existsSync(join(root, 'new'))).toBe(false)
    // As on macOS, where userData and the shared folder are one folder (or differ only in case).
    const now = folderWith(join(root, 'shared', 'sessions'), { 'session-a.ndjson': 'a\n' })
    symlinkSync(join(root, 'shared'), join(root, 'alias'))
    expect(await moveOldFiles(join(root, 'alias', 'sessions'), now, isSession)).toEqual({ moved: [], left: [] })
    expect(readFileSync(join(now, 'session-a.ndjson'), 'utf8')).toBe('a\n')
  })

  // ~/.config and ~/.local/share may be different file systems, where a rename cannot move a file.
  const otherFs = '/dev/shm'
  it.runIf(existsSync(otherFs) && statSync(otherFs).dev !== statSync(tmpdir()).dev)('moves across file systems by copying, then removing the original', async () => {
    const old = folderWith(join(root, 'old'), { 'session-a.ndjson': 'a\n' })
    const elsewhere = mkdtempSync(join(otherFs, 'proclab-old-sessions-'))
    try {
      const report = await moveOldFiles(old, join(elsewhere, 'sessions'), isSession)
      expect(report).toEqual({ moved: ['session-a.ndjson'], left: [] })
      expect(readFileSync(join(elsewhere, 'sessions', 'session-a.ndjson'), 'utf8')).toBe('a\n')
      expect(existsSync(old)).toBe(false)
    } finally {
      rmSync(elsewhere, { recursive: true, force: true })
    }
  })
})
