// The installed app used as a command-line tool: the app's own binary as Node (ELECTRON_RUN_AS_NODE,
// which the RunAsNode fuse keeps working) runs the packaged `proclab` command from the unpacked
// resources, from the root folder; the lab processes it starts run on the same binary. CI's package
// job sets PROCLAB_PACKAGED_APP to the packaged executable (the shipped bits, fuses as shipped);
// elsewhere these tests are skipped, and tests/unit/package-layout.test.ts covers the layout with
// plain Node.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, parse } from 'node:path'
import { expect, test } from '@playwright/test'
import { resourcesOf } from '../../scripts/packaging/packaged-app'
import { readReport, writeReportScript } from '../helpers/packaged-script'

const executable = process.env.PROCLAB_PACKAGED_APP || null

test.describe('the packaged app as a command', () => {
  test.skip(executable === null, 'PROCLAB_PACKAGED_APP is not set (CI sets it to the app electron-builder made)')

  let work: string
  test.beforeAll(() => {
    if (!existsSync(executable!)) throw new Error(`PROCLAB_PACKAGED_APP=${executable} does not exist`)
    work = mkdtempSync(join(tmpdir(), 'proclab-packaged-'))
  })
  test.afterAll(() => rmSync(work, { recursive: true, force: true }))

  function proclab(args: string[]) {
    const cli = join(resourcesOf(executable!), 'app.asar.unpacked', 'bin', 'proclab.js')
    return spawnSync(executable!, [cli, ...args], {
      cwd: parse(process.cwd()).root,
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', XDG_DATA_HOME: work, NODE_OPTIONS: '' },
      encoding: 'utf8',
      timeout: 60_000,
    })
  }

  test('runs a TypeScript lab script whose processes run on the app binary', () => {
    const run = proclab(['run', '--no-log', writeReportScript(work)])
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0)
    const report = readReport(run.stdout)
    expect(report, run.stdout).not.toBeNull()
    const runtime = join(resourcesOf(executable!), 'app.asar.unpacked', 'out', 'main', 'lab-runtime.js')
    expect(report).toMatchObject({ exitCode: 0, main: 'MainProcess', runtime, mainRuntime: runtime })
    expect(report!.electron, 'the lab child runs on Electron as Node').toMatch(/^\d+\.\d+\.\d+/)
  })

  test('runs a built-in scenario from its packaged copy', () => {
    const log = join(work, 'hello.ndjson')
    const run = proclab(['run', '--quiet', '--log', log, 'hello'])
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0)
    const events = readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { kind: string; source?: string; exitCode?: number })
    expect(events.find((event) => event.kind === 'run.start')?.source).toBe(join(resourcesOf(executable!), 'app.asar.unpacked', 'out', 'main', 'scenarios', 'hello.mjs'))
    expect(events.filter((event) => event.kind === 'process.exit').map((event) => event.exitCode)).toEqual([0, 0, 0])
  })
})
