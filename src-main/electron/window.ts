// The one window. Its page gets no Node: it reaches the host only through the preload's bridge.
import { BrowserWindow } from 'electron'
import type { AppPaths } from './paths'

export function createMainWindow(paths: AppPaths): BrowserWindow {
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
  void window.loadFile(paths.rendererIndex)
  return window
}
