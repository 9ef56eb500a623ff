// The installed app's layout, made by electron-builder itself from electron-builder.ts (with a stand-in
// for the Electron binary, which cannot be downloaded here), then used as an installed app is:
// the `proclab` command runs from resources/app.asar.unpacked with plain Node, from `/`, and runs a
// TypeScript lab script and a built-in scenario whose lab processes load only packaged files. Plain
// Node cannot read inside app.asar, so whatever a lab process or the CLI needs and was left in the
// archive fails here. The listing of the archive and of its unpacked twin is printed.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, parse } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FUSES, UNPACKED } from '../../electron-builder'
import { checkFuses } from '../../scripts/packaging/check-fuses'
import { inspectableCopy } from '../../scripts/packaging/inspectable-copy'
import type { PackagedApp } from '../../scripts/packaging/packaged-app'
import { SCENARIOS } from '../../src-main/scenarios/catalog'
import { readReport, writeReportScript } from '../helpers/packaged-script'
import { linuxOnly } from '../helpers/platform'
import { archiveEntries, kib, packLinuxDir, sizesByFolder, standInElectron, type ArchiveEntry } from '../helpers/packaging'

/** What runs a binary of the package: the test packs the Linux app, whose esbuild (behind tsx) and koffi are Linux programs. */
const LINUX_BINARIES = linuxOnly('runs native binaries of the Linux package (esbuild behind tsx, koffi)')

const root = fileURLToPath(new URL('../..', import.meta.url))
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> }

// Packing copies ~35 MB and electron-builder asks npm for the dependency tree: a generous deadline.
const PACK_DEADLINE_MS = 180_000
const RUN_DEADLINE_MS = 60_000

let work: string
let app: PackagedApp
let entries: ArchiveEntry[]
let unpackedDir: string

/** The stand-in starts with every configured fuse the other way round, so each one must be flipped. */
const INVERTED_WIRE = (Object.keys(FUSES) as (keyof typeof FUSES)[]).map((fuse) => (FUSES[fuse] ? '0' : '1')).join('') + '1'

beforeAll(() => {
  if (!existsSync(join(root, 'out', 'main', 'cli.js'))) throw new Error('out/ is missing: run `npx electron-vite build` first')
  work = mkdtempSync(join(tmpdir(), 'proclab-pack-'))
  standInElectron(join(work, 'electron-dist'), INVERTED_WIRE)
  const started = Date.now()
  app = packLinuxDir(root, join(work, 'electron-dist'), join(work, 'dist'))
  entries = archiveEntries(join(app.resources, 'app.asar'))
  unpackedDir = join(app.resources, 'app.asar.unpacked')
  printListing(entries, Date.now() - started)
}, PACK_DEADLINE_MS)

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true })
})

function printListing(all: readonly ArchiveEntry[], packMs: number): void {
  const packed = all.filter((entry) => !entry.unpacked)
  const unpacked = all.filter((entry) => entry.unpacked)
  const total = (list: readonly ArchiveEntry[]) => list.reduce((sum, entry) => sum + entry.size, 0)
  const lines = [
    `electron-builder packed the app in ${(packMs / 1000).toFixed(1)} s (asarUnpack: ${UNPACKED.join(', ')})`,
    `inside app.asar: ${packed.length} files, ${kib(total(packed))}`,
    ...packed.map((entry) => `  ${entry.path}  ${kib(entry.size)}`),
    `in app.asar.unpacked: ${unpacked.length} files, ${kib(total(unpacked))}`,
    ...[...sizesByFolder(unpacked)].map(([folder, size]) => `  ${folder}  ${kib(size)}`),
  ]
  console.log(lines.join('\n'))
}

function paths(filter: (entry: ArchiveEntry) => boolean): string[] {
  return entries.filter(filter).map((entry) => entry.path)
}

/** A process started the way a user on a terminal would: plain Node, from `/`, no inherited Node settings. */
function runCli(args: string[], dataHome: string) {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dataHome, XDG_DATA_HOME: dataHome, LANG: 'C.UTF-8' }
  return spawnSync(process.execPath, [join(unpackedDir, 'bin', 'proclab.js'), ...args], { cwd: '/', env, encoding: 'utf8', timeout: RUN_DEADLINE_MS })
}

describe('the packaged app', () => {
  it('leaves only the preload inside the archive and unpacks everything another process runs', () => {
    expect(paths((entry) => !entry.unpacked)).toEqual(['out/preload/index.cjs'])
    const unpacked = new Set(paths((entry) => entry.unpacked))
    const esbuildBinary = paths((entry) => /^node_modules\/@esbuild\/[^/]+\/(bin\/esbuild|esbuild\.exe)$/.test(entry.path))
    for (const file of [
      'package.json',
      'bin/proclab.js',
      'out/main/electron.js',
      'out/main/cli.js',
      'out/main/lab.js',
      'out/main/lab-runtime.js',
      'out/main/lab-hooks.js',
      'out/renderer/index.html',
      'bench/lab/queue.mjs',
      'bench/node/pingpong.mjs',
      'bench/python/mp_bench.py',
      ...SCENARIOS.map((scenario) => `out/main/scenarios/${scenario.file}`),
      ...Object.keys(manifest.dependencies).map((name) => `node_modules/${name}/package.json`),
      'node_modules/esbuild/package.json',
      ...esbuildBinary,
    ]) {
      expect(unpacked.has(file), file).toBe(true)
    }
    expect(esbuildBinary.length, 'the esbuild executable behind tsx').toBeGreaterThan(0)
    // What the header calls unpacked is on disk as a real file of the same size.
    for (const entry of entries.filter((e) => e.unpacked)) {
      expect(statSync(join(unpackedDir, entry.path)).size, entry.path).toBe(entry.size)
    }
  })

  it('ships no sources, tests, docs, build tools or devDependencies', () => {
    const all = paths(() => true)
    const ours = all.filter((path) => !path.startsWith('node_modules/'))
    expect(ours.filter((path) => /^(src-[a-z]+|tests|docs|bench\/tools|scripts|build|dist|\.github|\.ci)\//.test(path))).toEqual([])
    expect(ours.filter((path) => /\.(ts|map|png|md)$/.test(path) || /(^|\/)README/.test(path))).toEqual([])
    const packages = new Set(all.filter((path) => path.startsWith('node_modules/')).map((path) => path.split('/').slice(0, path.split('/')[1].startsWith('@') ? 3 : 2).join('/')))
    for (const dev of Object.keys(manifest.devDependencies)) expect(packages.has(`node_modules/${dev}`), dev).toBe(false)
    const shipped = JSON.parse(readFileSync(join(unpackedDir, 'package.json'), 'utf8')) as Record<string, unknown>
    expect(shipped).not.toHaveProperty('devDependencies')
    expect(shipped).not.toHaveProperty('scripts')
    // Lab scripts inside the app import 'proclab' by the package's self-reference.
    expect(shipped).toMatchObject({ name: 'proclab', main: 'out/main/electron.js', exports: { '.': { default: './out/main/lab.js' } } })
  })

  it('runs a TypeScript lab script with the packaged CLI from plain Node; its processes load the packaged lab runtime', { ...LINUX_BINARIES, timeout: RUN_DEADLINE_MS }, () => {
    const scripts = mkdtempSync(join(tmpdir(), 'proclab-packaged-script-'))
    try {
      // Nothing above the script or the app may lend them a node_modules: every import must come from the app.
      for (const start of [scripts, unpackedDir]) {
        for (let dir = dirname(start); ; dir = dirname(dir)) {
          expect(existsSync(join(dir, 'node_modules')), dir).toBe(false)
          if (dir === parse(dir).root) break
        }
      }
      const run = runCli(['run', '--no-log', writeReportScript(scripts)], scripts)
      expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0)
      const report = readReport(run.stdout)
      expect(report, run.stdout).not.toBeNull()
      const runtime = join(unpackedDir, 'out', 'main', 'lab-runtime.js')
      expect(report).toMatchObject({ exitCode: 0, main: 'MainProcess', runtime, mainRuntime: runtime, electron: null })
      expect(report!.pid).toBeGreaterThan(0)
    } finally {
      rmSync(scripts, { recursive: true, force: true })
    }
  })

  it('lists the built-in scenarios and runs one from its packaged copy', () => {
    const data = mkdtempSync(join(tmpdir(), 'proclab-packaged-data-'))
    try {
      const list = runCli(['scenarios'], data)
      expect(list.status, list.stderr).toBe(0)
      for (const scenario of SCENARIOS) expect(list.stdout).toContain(scenario.id)
      const log = join(data, 'hello.ndjson')
      const run = runCli(['run', '--quiet', '--log', log, 'hello'], data)
      expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0)
      const events = readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { kind: string; source?: string; exitCode?: number })
      expect(events.find((event) => event.kind === 'run.start')?.source).toBe(join(unpackedDir, 'out', 'main', 'scenarios', 'hello.mjs'))
      expect(events.filter((event) => event.kind === 'process.exit').map((event) => event.exitCode)).toEqual([0, 0, 0])
    } finally {
      rmSync(data, { recursive: true, force: true })
    }
  }, RUN_DEADLINE_MS)

  it("keeps only koffi's binaries for Linux on x64 and arm64, and the packaged koffi calls into libc from plain Node", LINUX_BINARIES, () => {
    const builds = new Set(paths((entry) => entry.path.startsWith('node_modules/koffi/build/koffi/')).map((path) => path.split('/')[4]))
    expect([...builds].sort()).toEqual(['linux_arm64', 'linux_x64', 'musl_arm64', 'musl_x64'])
    expect(paths((entry) => /^node_modules\/koffi\/(src|lib|vendor|doc)\//.test(entry.path))).toEqual([])
    const koffi = join(unpackedDir, 'node_modules', 'koffi')
    const call = spawnSync(process.execPath, ['-e', `const k = require(${JSON.stringify(koffi)}); console.log(k.load('libc.so.6').func('int getpid()')() === process.pid)`], { cwd: '/', encoding: 'utf8', timeout: RUN_DEADLINE_MS })
    expect(call.stdout.trim(), call.stderr).toBe('true')
  })

  it('has every configured fuse flipped in the binary, RunAsNode on', async () => {
    const readings = await checkFuses(app.fuseTarget)
    expect(readings.filter((reading) => !reading.ok)).toEqual([])
    expect(readings.find((reading) => reading.fuse === 'runAsNode')).toMatchObject({ found: 'on' })
  })

  it('makes the copy the Electron shell test drives: the same files, only the --inspect fuse turned on', async () => {
    const copy = await inspectableCopy(app, join(work, 'inspectable'))
    const changed = (await checkFuses(copy.fuseTarget)).filter((reading) => !reading.ok)
    expect(changed).toEqual([{ fuse: 'enableNodeCliInspectArguments', expected: 'off', found: 'on', ok: false }])
    expect((await checkFuses(app.fuseTarget)).every((reading) => reading.ok)).toBe(true)
    expect(readFileSync(join(copy.resources, 'app.asar')).equals(readFileSync(join(app.resources, 'app.asar')))).toBe(true)
  })
})
