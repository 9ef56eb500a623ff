// Default-deny for everything a page could ask of the shell: new windows, navigation away from
// the app, <webview>, and every permission (camera, notifications, clipboard-read, ...).
import { app, session, type WebContents } from 'electron'
import { isAppUrl } from './guards'
import { log } from './log'

export function hardenSessions(): void {
  const ses = session.defaultSession
  ses.setPermissionRequestHandler((_contents, permission, callback) => {
    log.warn(`denied permission request: ${permission}`)
    callback(false)
  })
  ses.setPermissionCheckHandler(() => false)
  ses.setDevicePermissionHandler(() => false)
}

export function hardenAllWebContents(appIndexUrl: string): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, appIndexUrl))
}

function hardenWebContents(contents: WebContents, appIndexUrl: string): void {
  contents.setWindowOpenHandler(({ url }) => {
    log.warn(`denied window.open(${url.slice(0, 200)})`)
    return { action: 'deny' }
  })
  // A reload of our own page is fine; anything else would hand the preload's bridge to a stranger.
  const stayHome = (details: { url: string; preventDefault(): void }) => {
    if (isAppUrl(details.url, appIndexUrl)) return
    details.preventDefault()
    log.warn(`denied navigation to ${details.url.slice(0, 200)}`)
  }
  contents.on('will-navigate', stayHome)
  contents.on('will-frame-navigate', stayHome)
  contents.on('will-redirect', stayHome)
  contents.on('will-attach-webview', (event) => {
    event.preventDefault()
    log.warn('denied <webview>')
  })
}
