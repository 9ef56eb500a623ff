// The desktop shell, launched for real with Playwright's Electron driver. It needs the Electron
// binary, which is downloaded from outside the package registry; where it is missing the tests
// are skipped with the reason, and web mode (tests/e2e) covers the same renderer and host.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test'
import type { EventFrame, HelloInfo, Response, SessionInfo } from '../../src-shared/contract'
import type { FrameEvent, LabEvent } from '../../src-shared/events'
import { RELOADS_PER_MINUTE } from '../../src-main/electron/renderer-gone'
import { descendantsTopDown } from '../../src-main/monitor/process-parents'
import { readProcParents } from '../../src-main/platform/linux/parents'
import { pidExists } from '../helpers/os'

const root = fileURLToPath(new URL('../..', import.meta.url))
const electronDir = join(root, 'node_modules', 'electron')

function electronBinary(): string | null {
  const pathFile = join(electronDir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const binary = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(binary) ? binary : null
}

/**
 * The packaged app's executable (CI's package job sets it after electron-builder): the same tests
 * then run against the installed layout, app.asar and its unpacked twin, with the fuses flipped.
 */
const packagedApp = process.env.PROCLAB_ELECTRON_APP || null
const binary = packagedApp ?? electronBinary()

/** What the page sees; typed here because the node test config has no DOM library. */
interface PageGlobals {
  proclab?: {
    request(request: { id: number; cmd: string; args?: unknown }): Promise<Response>
    onFrame(listener: (frame: EventFrame) => void): () => void
  }
  __frames?: FrameEvent[]
  open(url: string): unknown
  location: { href: string }
}

test.describe('Electron shell', () => {
  // One app for the whole file: the shell holds a single-instance lock, so a second launch from a
  // parallel worker would quit at once.
  test.describe.configure({ mode: 'serial' })
  test.skip(
    binary === null,
    `Electron binary not installed at ${join(electronDir, 'dist')} (node_modules/electron/path.txt missing or pointing nowhere); ` +
      'install it with `node node_modules/electron/install.js` to run these tests',
  )

  let app: ElectronApplication
  let page: Page
  let appExited: Promise<unknown>
  let closed = false
  /** The app's own config and data folders (XDG, so Linux only), and lab scripts. */
  let home = ''
  let configHome = ''
  let dataHome = ''
  /** A session an older version of the app left in its userData folder (Linux: ~/.config/proclab). */
  const oldSession = 'session-2020-01-02T03-04-05-678Z-4242.ndjson'
  /** The lab processes of the run that is left running when the app quits. */
  let labPids: number[] = []

  test.beforeAll(async () => {
    if (packagedApp && !existsSync(packagedApp)) throw new Error(`PROCLAB_ELECTRON_APP=${packagedApp} does not exist`)
    if (!packagedApp && !existsSync(join(root, 'out', 'main', 'electron.js'))) throw new Error('out/main/electron.js is missing: run `npm run build` first')
    home = mkdtempSync(join(tmpdir(), 'proclab-electron-'))
    configHome = join(home, 'config')
    dataHome = join(home, 'data')
    mkdirSync(join(configHome, 'proclab', 'sessions'), { recursive: true })
    writeFileSync(join(configHome, 'proclab', 'sessions', oldSession), '{"not":"a real session"}\n')
    // Chromium will not start as root with its sandbox on (CI containers); the page's own
    // `sandbox: true` still applies.
    const asRoot = process.platform === 'linux' && process.getuid?.() === 0
    app = await electron.launch({
      executablePath: binary!,
      // The packaged app knows its own app folder; the development binary is given the project.
      args: [...(packagedApp ? [] : ['.']), ...(asRoot ? ['--no-sandbox'] : [])],
      cwd: root,
      timeout: 60_000,
      env: { ...process.env, XDG_CONFIG_HOME: configHome, XDG_DATA_HOME: dataHome },
    })
    appExited = new Promise((resolve) => app.process().once('exit', resolve))
    page = await app.firstWindow()
    await page.waitForLoadState('domcontentloaded')
  })

  test.afterAll(async () => {
    if (!closed) await app?.close()
    for (const pid of labPids) if (pidExists(pid)) process.kill(pid, 'SIGKILL')
    if (home) rmSync(home, { recursive: true, force: true })
  })

  function request(cmd: string, args: unknown = {}): Promise<Response> {
    return page.evaluate(([cmd, args]) => (globalThis as unknown as PageGlobals).proclab!.request({ id: 1, cmd: cmd as string, args }), [cmd, args] as const)
  }

  test('opens one window titled ProcLab', async () => {
    await expect(page).toHaveTitle(/ProcLab/)
    expect(app.windows()).toHaveLength(1)
    expect(page.url()).toMatch(/^file:.*\/out\/renderer\/index\.html/)
  })

  test('exposes window.proclab and no Node to the page', async () => {
    const globals = await page.evaluate(() => {
      const g = globalThis as unknown as Record<string, unknown>
      const bridge = g.proclab as Record<string, unknown> | undefined
      return {
        proclab: typeof bridge,
        request: typeof bridge?.request,
        onFrame: typeof bridge?.onFrame,
        keys: bridge ? Object.keys(bridge).sort() : [],
        require: typeof g.require,
        process: typeof g.process,
        module: typeof g.module,
        ipcRenderer: typeof g.ipcRenderer,
      }
    })
    expect(globals).toEqual({
      proclab: 'object',
      request: 'function',
      onFrame: 'function',
      keys: ['onFrame', 'request'],
      require: 'undefined',
      process: 'undefined',
      module: 'undefined',
      ipcRenderer: 'undefined',
    })
  })

  test('answers hello and rejects a malformed command over IPC', async () => {
    const [hello, bad] = await page.evaluate(async () => {
      const bridge = (globalThis as unknown as PageGlobals).proclab!
      return [await bridge.request({ id: 1, cmd: 'hello', args: {} }), await bridge.request({ id: 2, cmd: 'no.such.command' })]
    })
    expect(hello).toMatchObject({ id: 1, ok: true, value: { app: 'proclab' } })
    expect(bad).toMatchObject({ id: 2, ok: false, error: { code: 'bad-request' } })
  })

  test('runs the join scenario and reports exit codes', async () => {
    await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals
      g.__frames = []
      g.proclab!.onFrame((frame) => g.__frames!.push(...frame.events))
    })
    const started = await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).proclab!.request({ id: 10, cmd: 'run.start', args: { scenario: 'join' } }),
    )
    expect(started).toMatchObject({ id: 10, ok: true })
    await expect
      .poll(() => page.evaluate(() => ((globalThis as unknown as PageGlobals).__frames ?? []).some((e) => e.kind === 'run.end')), { timeout: 30_000 })
      .toBe(true)
    const events = await page.evaluate(() => (globalThis as unknown as PageGlobals).__frames ?? [])
    const starts = events.filter((e) => e.kind === 'process.start')
    const exits = events.filter((e): e is Extract<LabEvent, { kind: 'process.exit' }> => e.kind === 'process.exit')
    expect(starts.length).toBeGreaterThan(1) // the lab main and at least one child
    expect(exits.map((e) => e.lid).sort()).toEqual(starts.map((e) => (e as { lid: string }).lid).sort())
    for (const exit of exits) expect(exit.exitCode, `exit code of ${exit.lid}`).toBe(0)
    const end = events.find((e) => e.kind === 'run.end')
    expect(end).toMatchObject({ ok: true })
  })

  test('denies window.open and navigation away from the app', async () => {
    const before = page.url()
    const opened = await page.evaluate(() => (globalThis as unknown as PageGlobals).open('https://example.com/') === null)
    expect(opened).toBe(true)
    await page.evaluate(() => {
      ;(globalThis as unknown as PageGlobals).location.href = 'https://example.com/'
    })
    await page.waitForTimeout(500)
    expect(page.url()).toBe(before)
    expect(app.windows()).toHaveLength(1)
  })

  test('keeps sessions where the CLI does, and moves those an older version kept in userData', async () => {
    test.skip(process.platform !== 'linux', 'the folders differ on Linux only (XDG); on macOS and Windows they always were one')
    const hello = (await request('hello')) as Extract<Response, { ok: true }> & { value: HelloInfo }
    const shared = join(dataHome, 'proclab', 'sessions')
    expect(hello.value.sessionFile, 'the session being recorded').toContain(`${shared}/session-`)
    expect(existsSync(join(shared, oldSession))).toBe(true)
    expect(existsSync(join(configHome, 'proclab', 'sessions', oldSession))).toBe(false)
    const listed = (await request('sessions.list')) as Extract<Response, { ok: true }> & { value: SessionInfo[] }
    expect(listed.value.map((s) => s.id)).toContain(oldSession)
  })

  test('writes its log to a file in the logs folder', async () => {
    const logFile = await app.evaluate(({ app }) => `${app.getPath('logs')}/proclab.log`)
    await expect.poll(() => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''), { timeout: 10_000 }).toMatch(/ info ProcLab \S+ starting \(Electron /)
  })

  test("refuses to signal Electron's own processes: renderer, GPU, utilities and what forks them", async () => {
    const listed = await app.evaluate(({ app }) => app.getAppMetrics().map((m) => ({ pid: m.pid, type: m.type })))
    const renderer = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.webContents.getOSProcessId())
    const mainPid = await app.evaluate(() => process.pid)
    expect(listed.map((m) => m.pid)).toContain(renderer)
    // No run is going: every process below the app that runs the Electron binary is Electron's own.
    const below = process.platform === 'linux' ? electronDescendants(mainPid) : []
    const targets = [...new Set([...listed.map((m) => m.pid), ...below])].filter((pid) => pid !== mainPid)
    expect(targets.length).toBeGreaterThan(1)
    for (const pid of targets) {
      // SIGCONT: if the refusal failed, nothing would be harmed.
      for (const tree of [false, true]) {
        const answer = await request('process.signal', { pid, signal: 'SIGCONT', tree })
        const what = `pid ${pid} (${listed.find((m) => m.pid === pid)?.type ?? 'unlisted'}), tree ${tree}`
        expect(answer, what).toMatchObject({ ok: false, error: { code: 'refused', message: expect.stringContaining('part of ProcLab') } })
      }
    }
  })

  test('lab code does not see ELECTRON_RUN_AS_NODE and runs from the helper app on macOS', async () => {
    const script = join(home, 'env-sleeper.mjs')
    writeFileSync(
      script,
      `import { Process, sleep } from 'proclab'
import { execFileSync } from 'node:child_process'
function report(who) {
  console.log(who + ' sees ' + (process.env.ELECTRON_RUN_AS_NODE ?? 'nothing'))
  console.log(who + ' runs ' + process.execPath)
  if (process.platform !== 'win32') console.log(who + "'s shell sees " + execFileSync('/bin/sh', ['-c', 'echo \${ELECTRON_RUN_AS_NODE:-nothing}'], { encoding: 'utf8' }).trim())
  else console.log(who + "'s shell sees nothing")
}
export async function child() { report('child'); await sleep(10 * 60 * 1000) }
export default async function main() { report('main'); const p = new Process({ target: child, name: 'sleeper' }); await p.start(); await p.join() }
`,
    )
    await page.evaluate(() => {
      ;(globalThis as unknown as PageGlobals).__frames = []
    })
    expect(await request('run.start', { script })).toMatchObject({ ok: true })
    const frames = () => page.evaluate(() => (globalThis as unknown as PageGlobals).__frames ?? [])
    const lines = async () => (await frames()).flatMap((e) => (e.kind === 'stdout' ? [e.line] : []))
    await expect.poll(async () => (await lines()).filter((l) => l.includes("'s shell sees")).length, { timeout: 30_000 }).toBe(2)
    const out = await lines()
    expect(out).toEqual(expect.arrayContaining(['main sees nothing', "main's shell sees nothing", 'child sees nothing', "child's shell sees nothing"]))
    const ran = out.filter((l) => l.includes(' runs ')).map((l) => l.slice(l.indexOf(' runs ') + 6))
    expect(ran).toHaveLength(2)
    if (process.platform === 'darwin') for (const path of ran) expect(path).toMatch(/ Helper\.app\//)
    labPids = (await frames()).flatMap((e) => (e.kind === 'process.start' ? [e.pid] : []))
    expect(labPids).toHaveLength(2)
    for (const pid of labPids) expect(pidExists(pid)).toBe(true)
  })

  test('reloads a window whose renderer went away, and says what happened when it keeps going away', async () => {
    const logFile = await app.evaluate(({ app }) => `${app.getPath('logs')}/proclab.log`)
    // On macOS and Windows the logs folder is the user's own: only this test's lines count.
    const logStart = existsSync(logFile) ? statSync(logFile).size : 0
    const state = () =>
      app.evaluate(({ BrowserWindow }) => {
        const contents = BrowserWindow.getAllWindows()[0]!.webContents
        return { pid: contents.getOSProcessId(), url: contents.getURL(), crashed: contents.isCrashed() }
      })
    const bridge = () =>
      app.evaluate(async ({ BrowserWindow }) => {
        try {
          return (await BrowserWindow.getAllWindows()[0]!.webContents.executeJavaScript('typeof globalThis.proclab')) as string
        } catch {
          return 'unreachable'
        }
      })
    const crash = () => app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.webContents.forcefullyCrashRenderer())
    const appBack = async (oldPid: number) => {
      const now = await state()
      return now.pid !== oldPid && !now.crashed && now.url.startsWith('file:') && (await bridge()) === 'object'
    }
    for (let i = 0; i < RELOADS_PER_MINUTE; i++) {
      const before = await state()
      await crash()
      await expect.poll(() => appBack(before.pid), { timeout: 30_000, message: `reload ${i + 1}` }).toBe(true)
    }
    const last = await state()
    await crash()
    await expect.poll(async () => (await state()).url, { timeout: 30_000 }).toMatch(/^data:text\/html/)
    const shown = await app.evaluate(async ({ BrowserWindow }) => (await BrowserWindow.getAllWindows()[0]!.webContents.executeJavaScript('document.body.innerText')) as string)
    expect(shown).toContain('The ProcLab window stopped')
    // The lab did not notice.
    for (const pid of labPids) expect(pidExists(pid)).toBe(true)
    // View → Reload brings the app back from the crash page.
    await app.evaluate(({ Menu }) => Menu.getApplicationMenu()!.getMenuItemById('reload')!.click())
    await expect.poll(() => appBack(last.pid), { timeout: 30_000 }).toBe(true)
    const logged = readFileSync(logFile).subarray(logStart).toString('utf8')
    expect(logged.match(/renderer process is gone/g)?.length).toBe(RELOADS_PER_MINUTE + 1)
    expect(logged).toContain('showing what happened instead of reloading again')
  })

  test('on macOS lives on with no window and opens one again when activated', async () => {
    test.skip(process.platform !== 'darwin', 'macOS only: elsewhere closing the last window quits (the next test)')
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.close())
    await expect.poll(() => app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(0)
    for (const pid of labPids) expect(pidExists(pid)).toBe(true)
    await app.evaluate(({ app }) => app.emit('activate'))
    await expect.poll(() => app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1)
  })

  test('quitting ends every lab process', async () => {
    expect(labPids.length).toBeGreaterThan(0)
    if (process.platform === 'darwin') {
      // Cmd+Q; closing the window would leave the app running.
      await app.evaluate(({ app }) => app.quit()).catch(() => {})
    } else {
      // The last window closing is how most users quit here.
      await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.close()).catch(() => {})
    }
    // The app ends itself, once the host has ended the lab.
    await appExited
    closed = true
    await expect.poll(() => labPids.filter(pidExists), { timeout: 15_000 }).toEqual([])
  })
})

/** Linux: every process below `root` whose program is the same as root's (the Electron binary). */
function electronDescendants(root: number): number[] {
  const exe = (pid: number) => {
    try {
      return realpathSync(readlinkSync(`/proc/${pid}/exe`))
    } catch {
      return null
    }
  }
  const binaryPath = exe(root)
  return descendantsTopDown(root, readProcParents(), new Set()).filter((pid) => pid !== root && exe(pid) === binaryPath)
}
