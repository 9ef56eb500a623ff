// Where each OS keeps ProcLab's sessions, one rule for the desktop app and the CLI, and the move of
// what the desktop app kept elsewhere before (Linux: ~/.config/proclab).
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { darwin } from '../../src-main/platform/darwin'
import { linux } from '../../src-main/platform/linux'
import { win32 } from '../../src-main/platform/win32'
import { platformFor } from '../../src-main/platform'
import { createHost } from '../../src-main/host'
import { adoptFormerFolders } from '../../src-main/session'
import { HEADER } from '../fixtures/session/helpers'

const root = fileURLToPath(new URL('../..', import.meta.url))

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name]
  else process.env[name] = value
}

describe('data folders', () => {
  it('Linux: under XDG_DATA_HOME when it is absolute, else ~/.local/share', () => {
    expect(linux.dataFolders({ XDG_DATA_HOME: '/xdg' }, '/home/u')).toEqual({ root: '/xdg/proclab', sessions: '/xdg/proclab/sessions', exports: '/xdg/proclab/exports' })
    expect(linux.dataFolders({}, '/home/u').sessions).toBe('/home/u/.local/share/proclab/sessions')
    expect(linux.dataFolders({ XDG_DATA_HOME: 'relative' }, '/home/u').sessions).toBe('/home/u/.local/share/proclab/sessions')
  })

  it("Linux: the desktop app's former folder was Electron's userData, under XDG_CONFIG_HOME", () => {
    expect(linux.formerDataFolders({}, '/home/u')).toEqual([{ root: '/home/u/.config/proclab', sessions: '/home/u/.config/proclab/sessions', exports: '/home/u/.config/proclab/exports' }])
    expect(linux.formerDataFolders({ XDG_CONFIG_HOME: '/cfg' }, '/home/u')[0]!.sessions).toBe('/cfg/proclab/sessions')
  })

  it('macOS: ~/Library/Application Support, where the app always kept them', () => {
    expect(darwin.dataFolders({ XDG_DATA_HOME: '/ignored' }, '/Users/u').sessions).toBe('/Users/u/Library/Application Support/proclab/sessions')
    expect(darwin.formerDataFolders({}, '/Users/u')).toEqual([])
  })

  it('Windows: %APPDATA%, or AppData\\Roaming in the home folder', () => {
    expect(win32.dataFolders({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'C:\\Users\\u')).toEqual({
      root: 'C:\\Users\\u\\AppData\\Roaming\\proclab',
      sessions: 'C:\\Users\\u\\AppData\\Roaming\\proclab\\sessions',
      exports: 'C:\\Users\\u\\AppData\\Roaming\\proclab\\exports',
    })
    expect(win32.dataFolders({}, 'C:\\Users\\u').sessions).toBe('C:\\Users\\u\\AppData\\Roaming\\proclab\\sessions')
  })

  it('other Unixes: the XDG folders, as on Linux', () => {
    expect(platformFor('freebsd').dataFolders({}, '/home/u').sessions).toBe('/home/u/.local/share/proclab/sessions')
  })
})

describe("moving in the sessions an earlier version kept elsewhere", () => {
  let dir: string
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  const session = (name: string, startedAtWall: number) => ({ name: `session-${new Date(startedAtWall).toISOString().replace(/[:.]/g, '-')}-${name}.ndjson`, text: `${JSON.stringify({ ...HEADER, startedAtWall })}\n` })

  it('moves session and export files, leaves a clash and anything else where it is, loses nothing', async () => {
    dir = mkdtempSync(join(tmpdir(), 'proclab-adopt-'))
    const old = linux.formerDataFolders({ XDG_CONFIG_HOME: join(dir, 'config') }, dir)[0]!
    const now = linux.dataFolders({ XDG_DATA_HOME: join(dir, 'data') }, dir)
    mkdirSync(old.sessions, { recursive: true })
    mkdirSync(old.exports, { recursive: true })
    mkdirSync(now.sessions, { recursive: true })
    const a = session('11', 1000)
    const b = session('12', 2000)
    writeFileSync(join(old.sessions, a.name), a.text)
    writeFileSync(join(old.sessions, b.name), b.text)
    writeFileSync(join(now.sessions, b.name), 'the newer copy\n')
    writeFileSync(join(old.sessions, 'notes.txt'), 'mine')
    const exported = 'session-2025-01-01T00-00-01-000Z-11-csv-1735689601000.csv'
    writeFileSync(join(old.exports, exported), 'seq,t\n')

    const adoption = await adoptFormerFolders([old], now)

    expect(adoption.moved).toBe(2)
    expect(readFileSync(join(now.sessions, a.name), 'utf8')).toBe(a.text)
    expect(readFileSync(join(now.exports, exported), 'utf8')).toBe('seq,t\n')
    // The clash: both copies kept, the note names it.
    expect(readFileSync(join(now.sessions, b.name), 'utf8')).toBe('the newer copy\n')
    expect(readFileSync(join(old.sessions, b.name), 'utf8')).toBe(b.text)
    expect(adoption.notes).toEqual([`${join(old.sessions, b.name)} was left where it is: ${join(now.sessions, b.name)} already exists`])
    expect(readdirSync(old.sessions).sort()).toEqual([b.name, 'notes.txt'].sort())
    // The emptied exports folder is gone; Electron's other files in its userData are not ours.
    expect(existsSync(old.exports)).toBe(false)
    expect(existsSync(old.root)).toBe(true)
    // A second pass has nothing new to move.
    expect((await adoptFormerFolders([old], now)).moved).toBe(0)
  })

  it.runIf(process.platform === 'linux')('`proclab sessions` lists what the desktop app kept under ~/.config/proclab, moved into the shared folder', async () => {
    dir = mkdtempSync(join(tmpdir(), 'proclab-adopt-cli-'))
    const env = { ...process.env, XDG_CONFIG_HOME: join(dir, 'config'), XDG_DATA_HOME: join(dir, 'data') }
    const old = linux.formerDataFolders(env, dir)[0]!
    const now = linux.dataFolders(env, dir)
    mkdirSync(old.sessions, { recursive: true })
    const a = session('21', 3000)
    writeFileSync(join(old.sessions, a.name), a.text)
    const listed = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['bin/proclab.js', 'sessions', '--json'], { cwd: root, env }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
    )
    const sessions = JSON.parse(listed) as { file: string; header: { startedAtWall: number } }[]
    expect(sessions.map((s) => [s.file, s.header.startedAtWall])).toEqual([[join(now.sessions, a.name), 3000]])
    expect(existsSync(join(old.sessions, a.name))).toBe(false)
  })

  it.runIf(process.platform === 'linux')("a host on the default folders lists the desktop app's former sessions with its own", async () => {
    dir = mkdtempSync(join(tmpdir(), 'proclab-adopt-host-'))
    const saved = { data: process.env.XDG_DATA_HOME, config: process.env.XDG_CONFIG_HOME }
    process.env.XDG_CONFIG_HOME = join(dir, 'config')
    process.env.XDG_DATA_HOME = join(dir, 'data')
    try {
      const old = linux.formerDataFolders()[0]!
      mkdirSync(old.sessions, { recursive: true })
      const a = session('31', 4000)
      writeFileSync(join(old.sessions, a.name), a.text)
      const host = await createHost({ sampleIntervalMs: 0 })
      try {
        const listed = await host.call('sessions.list', {})
        expect(listed.map((s) => s.id)).toContain(a.name)
        expect(host.info.sessionFile).toBe(join(dir, 'data', 'proclab', 'sessions', listed.find((s) => s.current)?.id ?? '?'))
      } finally {
        await host.dispose()
      }
    } finally {
      restore('XDG_DATA_HOME', saved.data)
      restore('XDG_CONFIG_HOME', saved.config)
    }
  })
})
