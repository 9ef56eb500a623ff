// The root every process takes its files from. In the installed app the Electron main process finds
// its package.json inside resources/app.asar (through Electron's fs); lab processes, the CLI and
// `serve` need real files, so the root is the unpacked twin folder next to the archive.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { packageRootFrom } from '../../src-main/package-root'

const made: string[] = []
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A folder holding package.json files at the given relative folders, and a module URL deep below `moduleDir`. */
function tree(manifests: Record<string, string>, moduleDir: string): { dir: string; moduleUrl: string } {
  const dir = mkdtempSync(join(tmpdir(), 'proclab-root-'))
  made.push(dir)
  for (const [folder, name] of Object.entries(manifests)) {
    mkdirSync(join(dir, folder), { recursive: true })
    writeFileSync(join(dir, folder, 'package.json'), JSON.stringify({ name }))
  }
  mkdirSync(join(dir, moduleDir), { recursive: true })
  return { dir, moduleUrl: pathToFileURL(join(dir, moduleDir, 'host-abc.js')).href }
}

describe('packageRootFrom', () => {
  it('takes the unpacked twin of resources/app.asar when the twin has the package.json', () => {
    const { dir, moduleUrl } = tree({ 'resources/app.asar': 'proclab', 'resources/app.asar.unpacked': 'proclab' }, 'resources/app.asar/out/main/chunks')
    expect(packageRootFrom(moduleUrl)).toBe(join(dir, 'resources', 'app.asar.unpacked'))
  })

  it('stays in app.asar when nothing was unpacked, and in a plain folder as it is', () => {
    const packed = tree({ 'resources/app.asar': 'proclab' }, 'resources/app.asar/out/main/chunks')
    expect(packageRootFrom(packed.moduleUrl)).toBe(join(packed.dir, 'resources', 'app.asar'))
    const plain = tree({ proclab: 'proclab', 'proclab/node_modules/ws': 'ws' }, 'proclab/out/main/chunks')
    expect(packageRootFrom(plain.moduleUrl)).toBe(join(plain.dir, 'proclab'))
  })

  it('skips package.json files of other packages on the way up', () => {
    const { dir, moduleUrl } = tree({ app: 'proclab', 'app/out': 'not-proclab' }, 'app/out/main')
    expect(packageRootFrom(moduleUrl)).toBe(join(dir, 'app'))
  })
})
