// The fuse check reads a binary's fuse wire and compares it with electron-builder.ts. Here the
// binary is a stand-in file holding a fuse wire, flipped by @electron/fuses as electron-builder
// does; CI runs the same check against the real packaged Electron on each OS.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FuseState, FuseV1Options, FuseVersion, flipFuses, type FuseConfig } from '@electron/fuses'
import { afterAll, describe, expect, it } from 'vitest'
import { FUSES } from '../../electron-builder'
import { FUSE_INDEX, checkFuses, compareFuses } from '../../scripts/packaging/check-fuses'
import { standInElectron } from '../helpers/packaging'

const dir = mkdtempSync(join(tmpdir(), 'proclab-fuses-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function wire(states: Partial<Record<FuseV1Options, FuseState>>): FuseConfig<FuseState> {
  return { version: FuseVersion.V1, ...states } as FuseConfig<FuseState>
}

describe('the fuse check', () => {
  it('maps each configured fuse to its own place in the wire', () => {
    expect(Object.keys(FUSE_INDEX).sort()).toEqual(Object.keys(FUSES).sort())
    expect(new Set(Object.values(FUSE_INDEX)).size).toBe(Object.keys(FUSES).length)
    expect(FUSES.runAsNode).toBe(true)
  })

  it('names every fuse that differs, is removed or is missing from a short wire', () => {
    const readings = compareFuses(
      wire({
        [FuseV1Options.RunAsNode]: FuseState.DISABLE,
        [FuseV1Options.EnableCookieEncryption]: FuseState.ENABLE,
        [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: FuseState.REMOVED,
        [FuseV1Options.EnableNodeCliInspectArguments]: FuseState.DISABLE,
      }),
      FUSES,
    )
    const bad = Object.fromEntries(readings.filter((r) => !r.ok).map((r) => [r.fuse, r.found]))
    expect(bad).toEqual({
      runAsNode: 'off',
      enableNodeOptionsEnvironmentVariable: 'removed',
      enableEmbeddedAsarIntegrityValidation: 'missing',
      onlyLoadAppFromAsar: 'missing',
      loadBrowserProcessSpecificV8Snapshot: 'missing',
      grantFileProtocolExtraPrivileges: 'missing',
    })
  })

  it('reads back what @electron/fuses flipped in a binary, and refuses an unflipped one', async () => {
    const electron = join(dir, 'electron-dist')
    standInElectron(electron, '101100011') // Electron's defaults: RunAsNode on, NODE_OPTIONS and --inspect honoured
    const binary = join(electron, 'electron')
    expect((await checkFuses(binary)).filter((r) => !r.ok).map((r) => r.fuse)).toEqual([
      'enableCookieEncryption',
      'enableNodeOptionsEnvironmentVariable',
      'enableNodeCliInspectArguments',
      'enableEmbeddedAsarIntegrityValidation',
      'onlyLoadAppFromAsar',
    ])
    const config = Object.fromEntries(Object.entries(FUSES).map(([fuse, on]) => [FUSE_INDEX[fuse as keyof typeof FUSES], on]))
    await flipFuses(binary, { version: FuseVersion.V1, ...config })
    expect((await checkFuses(binary)).every((r) => r.ok)).toBe(true)
  })
})
