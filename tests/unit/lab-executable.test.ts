// Which program starts a lab process, and what its environment says. Inside the desktop app lab
// processes are Electron acting as Node (ELECTRON_RUN_AS_NODE), on macOS through Electron's helper
// app; user code's own children must not inherit that variable. The decision is checked with the
// runtimes it must tell apart; the environment with a real run under plain Node, whose host has the
// variable set as the app's lab processes do.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { labExecutable } from '../../src-main/lab/paths'
import { runSource } from '../helpers/lab'
import { darwin } from '../../src-main/platform/darwin'
import { linux } from '../../src-main/platform/linux'
import { win32 } from '../../src-main/platform/win32'

describe('labExecutable', () => {
  it('runs plain Node as itself, with nothing added to the environment', () => {
    for (const childrenUseHelper of [false, true]) {
      expect(labExecutable({ execPath: '/usr/bin/node', childrenUseHelper })).toEqual({ command: '/usr/bin/node', env: {} })
    }
  })

  it('makes the Electron binary act as Node on Linux and Windows', () => {
    expect(labExecutable({ execPath: '/opt/ProcLab/proclab', childrenUseHelper: linux.electronChildrenUseHelper, electronVersion: '45.5.0', helperExecPath: '/opt/ProcLab/proclab' })).toEqual({
      command: '/opt/ProcLab/proclab',
      env: { ELECTRON_RUN_AS_NODE: '1' },
    })
    expect(labExecutable({ execPath: 'C:\\Program Files\\ProcLab\\ProcLab.exe', childrenUseHelper: win32.electronChildrenUseHelper, electronVersion: '45.5.0' })).toEqual({
      command: 'C:\\Program Files\\ProcLab\\ProcLab.exe',
      env: { ELECTRON_RUN_AS_NODE: '1' },
    })
  })

  it("starts lab processes from the app's helper on macOS, not the main app binary", () => {
    const app = '/Applications/ProcLab.app/Contents/MacOS/ProcLab'
    const helper = '/Applications/ProcLab.app/Contents/Frameworks/ProcLab Helper.app/Contents/MacOS/ProcLab Helper'
    expect(labExecutable({ execPath: app, childrenUseHelper: darwin.electronChildrenUseHelper, electronVersion: '45.5.0', helperExecPath: helper })).toEqual({ command: helper, env: { ELECTRON_RUN_AS_NODE: '1' } })
    // A lab process (the helper acting as Node) starts its children from the helper it runs in.
    expect(labExecutable({ execPath: helper, childrenUseHelper: darwin.electronChildrenUseHelper, electronVersion: '45.5.0' })).toEqual({ command: helper, env: { ELECTRON_RUN_AS_NODE: '1' } })
  })
})

describe('ELECTRON_RUN_AS_NODE', () => {
  let saved: string | undefined
  beforeEach(() => {
    saved = process.env.ELECTRON_RUN_AS_NODE
    process.env.ELECTRON_RUN_AS_NODE = '1'
  })
  afterEach(() => {
    if (saved === undefined) delete process.env.ELECTRON_RUN_AS_NODE
    else process.env.ELECTRON_RUN_AS_NODE = saved
  })

  it('is not seen by user code nor inherited by the programs it starts, in the lab main and in a child', async () => {
    const run = await runSource(`
      import { Process } from 'proclab'
      import { execFileSync } from 'node:child_process'
      function report(where) {
        console.log(where + ' sees ' + (process.env.ELECTRON_RUN_AS_NODE ?? 'nothing'))
        const seen = execFileSync(process.execPath, ['-e', 'process.stdout.write(process.env.ELECTRON_RUN_AS_NODE ?? "nothing")'], { encoding: 'utf8' })
        console.log('a program started by ' + where + ' sees ' + seen)
      }
      export async function child() { report('the child') }
      export default async function main() {
        report('main')
        const p = new Process({ target: child }); await p.start(); await p.join()
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    expect(run.lines('MainProcess')).toEqual(['main sees nothing', 'a program started by main sees nothing'])
    expect(run.lines('Process-1')).toEqual(['the child sees nothing', 'a program started by the child sees nothing'])
  })
})
