// Session files hold everything a lab printed (and the paths and names of a user's scripts):
// readable by their owner only, in folders only the owner can enter. Checked with stat(2).
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHost } from '../../src-main/host'
import { exportsDirFor } from '../../src-main/session'
import { tempDir } from '../fixtures/session/helpers'

const root = fileURLToPath(new URL('../..', import.meta.url))
const modeOf = (path: string) => statSync(path).mode & 0o777

let dir = ''
let cleanup = async () => {}
let umask = 0
beforeEach(async () => {
  ;({ dir, cleanup } = await tempDir())
  // The most permissive umask a user might have: the modes must not depend on it.
  umask = process.umask(0)
})
afterEach(async () => {
  process.umask(umask)
  await cleanup()
})

describe.skipIf(process.platform === 'win32')('modes of session and export files', () => {
  it('a new sessions folder is 0700, the session file 0600, and so are the exports folder and an export', async () => {
    const sessionsDir = join(dir, 'data', 'proclab', 'sessions')
    const host = await createHost({ sessionsDir, sampleIntervalMs: 0 })
    try {
      const file = host.info.sessionFile!
      expect(modeOf(file)).toBe(0o600)
      expect(modeOf(sessionsDir)).toBe(0o700)
      expect(modeOf(join(dir, 'data', 'proclab'))).toBe(0o700)
      const id = file.split('/').pop()!
      const exported = await host.call('sessions.export', { id, format: 'csv' })
      expect(modeOf(exported.path)).toBe(0o600)
      expect(modeOf(host.exportsDir)).toBe(0o700)
    } finally {
      await host.dispose()
    }
  })

  it('the host makes its existing sessions and exports folders private, and leaves a folder named by --log alone', async () => {
    const sessionsDir = join(dir, 'sessions')
    const exportsDir = exportsDirFor(sessionsDir)
    const chosen = join(dir, 'my-logs')
    for (const folder of [sessionsDir, exportsDir, chosen]) {
      mkdirSync(folder)
      chmodSync(folder, 0o755)
    }
    const host = await createHost({ sessionsDir, sessionLog: join(chosen, 'run.ndjson'), sampleIntervalMs: 0 })
    await host.dispose()
    expect(modeOf(sessionsDir)).toBe(0o700)
    expect(modeOf(exportsDir)).toBe(0o700)
    expect(modeOf(chosen)).toBe(0o755)
    expect(modeOf(join(chosen, 'run.ndjson'))).toBe(0o600)
  })

  it('`proclab export -o` makes a new file 0600', () => {
    const sample = fileURLToPath(new URL('../fixtures/session/sample-session.ndjson', import.meta.url))
    const out = join(dir, 'out.csv')
    const ran = spawnSync(process.execPath, ['bin/proclab.js', 'export', sample, '-f', 'csv', '-o', out], { cwd: root, encoding: 'utf8' })
    expect(ran.status, ran.stderr).toBe(0)
    expect(modeOf(out)).toBe(0o600)
  })
})
