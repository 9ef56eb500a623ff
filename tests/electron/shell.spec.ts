// The desktop shell, launched for real with Playwright's Electron driver. It needs the Electron
// binary, which is downloaded from outside the package registry; where it is missing the tests
// are skipped with the reason, and web mode (tests/e2e) covers the same renderer and host.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test'
import type { EventFrame, Response } from '../../src-shared/contract'
import type { FrameEvent, LabEvent } from '../../src-shared/events'

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

  test.beforeAll(async () => {
    if (packagedApp && !existsSync(packagedApp)) throw new Error(`PROCLAB_ELECTRON_APP=${packagedApp} does not exist`)
    if (!packagedApp && !existsSync(join(root, 'out', 'main', 'electron.js'))) throw new Error('out/main/electron.js is missing: run `npm run build` first')
    // Chromium will not start as root with its sandbox on (CI containers); the page's own
    // `sandbox: true` still applies.
    const asRoot = process.platform === 'linux' && process.getuid?.() === 0
    app = await electron.launch({
      executablePath: binary!,
      // The packaged app knows its own app folder; the development binary is given the project.
      args: [...(packagedApp ? [] : ['.']), ...(asRoot ? ['--no-sandbox'] : [])],
      cwd: root,
      timeout: 60_000,
    })
    page = await app.firstWindow()
    await page.waitForLoadState('domcontentloaded')
  })

  test.afterAll(async () => {
    await app?.close()
  })

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
})
