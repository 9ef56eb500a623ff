// What the shell does when the window's renderer process goes (crashed, killed, out of memory):
// reload the page, unless it keeps going — then a reload would only loop, and the window shows a
// page that says what happened instead of staying blank. No electron import here.
import { platform } from '../platform'

/** Electron's RenderProcessGoneDetails, as much of it as is shown. */
export interface RendererGone {
  reason: string
  exitCode: number
}

/** How many reloads after a crash a window gets within `windowMs` before the crash page is shown. */
export const RELOADS_PER_MINUTE = 3

export class ReloadBudget {
  private readonly crashes: number[] = []

  constructor(
    private readonly limit = RELOADS_PER_MINUTE,
    private readonly windowMs = 60_000,
  ) {}

  /** Records a crash at `now` (ms, monotonic); true when the page may be reloaded for it. */
  allowReload(now: number): boolean {
    while (this.crashes.length > 0 && now - this.crashes[0]! >= this.windowMs) this.crashes.shift()
    this.crashes.push(now)
    return this.crashes.length <= this.limit
  }
}

export function describeGone(gone: RendererGone): string {
  return `${gone.reason}, exit code ${gone.exitCode}`
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapes[c]!)
}

/**
 * The page shown when ProcLab stops reloading: plain HTML with no script (its CSP allows none),
 * as a data: URL, so it shows even when the app's own files are what fails to load.
 */
export function crashPageUrl(gone: RendererGone, logFile: string | null, shortcutKey = platform.shortcutKey): string {
  const reloadKey = `${shortcutKey}${shortcutKey === '⌘' ? '' : '+'}R`
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>ProcLab — the window stopped</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:3em auto;max-width:40em;padding:0 1em;color:#ddd;background:#1e1e1e}code{font-size:90%}</style>
</head><body>
<h1>The ProcLab window stopped</h1>
<p>Its renderer process went away (${escapeHtml(describeGone(gone))}) and did so again after each of ${RELOADS_PER_MINUTE} reloads within a minute, so ProcLab stopped reloading it.</p>
<p>The lab is not affected: a run in progress goes on, and quitting ProcLab still ends its processes.</p>
<p>Choose <b>View → Reload</b> (${reloadKey}) to try again.${logFile ? ` What happened is in the log: <code>${escapeHtml(logFile)}</code>.` : ''}</p>
</body></html>`
  return `data:text/html;charset=utf-8,${encodeURIComponent(html)}`
}
