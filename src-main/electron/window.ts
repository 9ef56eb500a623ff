// The one window. Its page gets no Node: it reaches the host only through the preload's bridge.
import { BrowserWindow } from 'electron'
import { isAppUrl } from './guards'
import { log, logFilePath } from './log'
import type { AppPaths } from './paths'
import { crashPageUrl, describeGone, ReloadBudget } from './renderer-gone'

export function createMainWindow(paths: AppPaths, shuttingDown: () => boolean): BrowserWindow {
  const window = new BrowserWindow({
    title: 'ProcLab',
    width: 1280,
    height: 820,
    minWidth: 720,
    minHeight: 480,
    show: false,
    backgroundColor: '#1e1e1e',
    webPreferences: {
      preload: paths.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  })
  window.once('ready-to-show', () => window.show())
  recoverFromRendererLoss(window, paths, shuttingDown)
  void window.loadFile(paths.rendererIndex)
  return window
}

/** The app's page again: a reload where it is shown (keeping its route), else a fresh load. */
export function reloadApp(window: BrowserWindow, paths: AppPaths): void {
  if (window.isDestroyed()) return
  if (isAppUrl(window.webContents.getURL(), paths.rendererIndexUrl)) window.webContents.reload()
  else void window.loadFile(paths.rendererIndex)
}

/**
 * A renderer that crashes, is killed or runs out of memory would leave the window blank: it is
 * reloaded, and past the reload budget the window says what happened (renderer-gone.ts).
 */
function recoverFromRendererLoss(window: BrowserWindow, paths: AppPaths, shuttingDown: () => boolean): void {
  const budget = new ReloadBudget()
  const contents = window.webContents
  contents.on('render-process-gone', (_event, details) => {
    log.warn(`the window's renderer process is gone (${describeGone(details)})`)
    if (window.isDestroyed() || shuttingDown()) return
    if (budget.allowReload(performance.now())) {
      log.info('reloading the window')
      reloadApp(window, paths)
    } else {
      log.warn('the renderer keeps going away; showing what happened instead of reloading again')
      void window.loadURL(crashPageUrl(details, logFilePath()))
    }
  })
  contents.on('unresponsive', () => log.warn('the window is not responding'))
  contents.on('responsive', () => log.info('the window responds again'))
  contents.on('did-fail-load', (_event, code, description, url, isMainFrame) => {
    if (isMainFrame) log.warn(`the window could not load ${url.slice(0, 200)}: ${description} (${code})`)
  })
}
