// A minimal menu: the platform's standard roles, so copy/paste, zoom and quit work as users expect.
import { app, Menu, type MenuItemConstructorOptions } from 'electron'
import { platform } from '../platform'

/** `reload` brings the app's page back, from the crash page too (the Reload role would reload that). */
export function installMenu(reload: () => void): void {
  const isMac = platform.hasAppMenu
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    { label: 'File', submenu: [isMac ? { role: 'close' } : { role: 'quit' }] },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { id: 'reload', label: 'Reload', accelerator: 'CmdOrCtrl+R', click: reload },
        // Developer tools only in development builds: they bypass the page's restrictions.
        ...(app.isPackaged ? [] : ([{ role: 'toggleDevTools' }] as MenuItemConstructorOptions[])),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ]
  Menu.setApplicationMenu(Menu.buildFromTemplate(template))
}
