// The Electron shell: one window over the host. Everything the app does lives in the host; this
// file only wires window, IPC and lifecycle, and makes sure quitting ends every lab process.
import { join } from 'node:path'
import { app, BrowserWindow, dialog } from 'electron'
import { createHost } from '../host'
import type { Host } from '../host/types'
import { platform } from '../platform'
import { withDeadline } from './guards'
import { hardenAllWebContents, hardenSessions } from './hardening'
import { forwardFrames, serveRequests } from './ipc'
import { log, logToFile } from './log'
import { installMenu } from './menu'
import { electronOwnPids, osProcessTable } from './own-processes'
import { appPaths } from './paths'
import { createMainWindow, reloadApp } from './window'

/** How long quitting waits for the host to end the lab's processes before giving up on it. */
const DISPOSE_DEADLINE_MS = 10_000

const paths = appPaths()
type ShellHost = Awaited<ReturnType<typeof createHost>>

let hostReady: Promise<ShellHost> | null = null
let host: ShellHost | null = null
let mainWindow: BrowserWindow | null = null
let shutdown: Promise<void> | null = null
let readyToQuit = false

const shuttingDown = () => shutdown !== null || readyToQuit

function openWindow(host: Host): void {
  const window = createMainWindow(paths, shuttingDown)
  mainWindow = window
  forwardFrames(host, window)
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null
  })
}

/** The window back in front, or a new one where there is none (macOS keeps running without). */
function showWindow(): void {
  if (!host) return
  if (!mainWindow) return openWindow(host)
  if (mainWindow.isMinimized()) mainWindow.restore()
  mainWindow.show()
  mainWindow.focus()
}

/**
 * Electron's own processes (renderer, GPU, utilities, Linux's zygotes), asked again at every
 * signal: they come and go while the app runs. The host refuses to signal them.
 */
function ownPids(): Set<number> {
  return electronOwnPids(app.getAppMetrics(), process.pid, osProcessTable())
}

async function start(): Promise<void> {
  await app.whenReady()
  try {
    logToFile(join(app.getPath('logs'), 'proclab.log'))
  } catch (error) {
    log.error('no logs folder; logging to stderr only', error)
  }
  log.info(`ProcLab ${app.getVersion()} starting (Electron ${process.versions.electron}, ${platform.name})`)
  hardenSessions()
  installMenu(() => {
    if (mainWindow) reloadApp(mainWindow, paths)
  })
  try {
    // Sessions go where the CLI keeps them (platform.dataFolders()), so both list the same ones; the
    // host moves in what an earlier app kept under Electron's userData.
    hostReady = createHost({ protectedPids: ownPids })
    host = await hostReady
  } catch (error) {
    log.error('could not start the ProcLab host', error)
    dialog.showErrorBox('ProcLab could not start', error instanceof Error ? error.message : String(error))
    readyToQuit = true
    app.exit(1)
    return
  }
  // The safety net for exits that skip before-quit (app.exit, a crash of the main process).
  const killAllNow = host.killAllNow.bind(host)
  process.once('exit', killAllNow)
  serveRequests(host, () => mainWindow, paths.rendererIndexUrl)
  openWindow(host)
  app.on('activate', showWindow)
}

async function disposeHost(): Promise<void> {
  const host = await hostReady?.catch(() => null)
  if (!host) return
  const finished = await withDeadline(
    host.dispose().then(() => true),
    DISPOSE_DEADLINE_MS,
    false,
  )
  if (!finished) log.warn(`the host did not finish ending lab processes within ${DISPOSE_DEADLINE_MS} ms; quitting anyway`)
}

// Quitting is held until the host has ended every lab process, then resumed.
app.on('before-quit', (event) => {
  if (readyToQuit) return
  event.preventDefault()
  shutdown ??= disposeHost()
    .catch((error: unknown) => log.error('disposing the host failed', error))
    .finally(() => {
      readyToQuit = true
      app.quit()
    })
})

app.on('window-all-closed', () => {
  if (!platform.appOutlivesWindows) app.quit()
})

// The GPU or a utility process (the network service) going away is worth a line in the log.
app.on('child-process-gone', (_event, details) => {
  log.warn(`Electron's ${details.type} process${details.name ? ` (${details.name})` : ''} is gone (${details.reason}, exit code ${details.exitCode})`)
})

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit())

app.enableSandbox()
hardenAllWebContents(paths.rendererIndexUrl)

if (!app.requestSingleInstanceLock()) {
  // Two windows would mean two hosts and two lab sessions; bring the first one forward instead.
  readyToQuit = true
  app.quit()
} else {
  app.on('second-instance', showWindow)
  start().catch((error: unknown) => {
    log.error('startup failed', error)
    readyToQuit = true
    app.exit(1)
  })
}
