import { chromium } from '@playwright/test'
import { spawn } from 'node:child_process'
const root = process.argv[2]
const child = spawn(process.execPath, ['bin/proclab.js', 'serve', '--port', '0', '--no-log'], { cwd: '/work/wt-monitor', env: { ...process.env, PROCLAB_PROC_ROOT: root }, stdio: ['ignore', 'pipe', 'inherit'] })
const url = await new Promise((r) => child.stdout.on('data', (d) => { const m = /ProcLab UI: (\S+)/.exec(String(d)); if (m) r(m[1]) }))
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] })
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
await page.goto(url)
await page.getByRole('tab', { name: 'System' }).click()
const grid = page.getByRole('treegrid', { name: 'System processes' })
await grid.locator('tbody tr[data-pid="1"]').waitFor()
await page.waitForTimeout(4000)
const cdp = await page.context().newCDPSession(page)
const mode = process.argv[3]
const events = []
cdp.on('Tracing.dataCollected', (d) => events.push(...d.value))
const done = new Promise((r) => cdp.on('Tracing.tracingComplete', r))
await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' })
const t0 = Date.now()
if (mode === 'scroll') {
  await page.getByRole('button', { name: 'Pause' }).click()
  const box = await grid.boundingBox()
  await page.mouse.move(box.x + 300, box.y + 100)
  for (let i = 0; i < 30; i++) { await page.mouse.wheel(0, 1200); await page.evaluate(() => new Promise((r) => requestAnimationFrame(r))) }
} else {
  await page.waitForTimeout(5000)
}
await cdp.send('Tracing.end'); await done
console.log('wall', Date.now() - t0)
const sum = new Map()
const main = events.find((e) => e.name === 'TracingStartedInBrowser')
for (const e of events) { if (e.ph !== 'X' || !e.dur) continue; const k = e.name; const v = sum.get(k) ?? [0, 0, 0, 0]; v[0] += e.dur / 1000; v[1]++; v[2] = Math.max(v[2], e.dur / 1000); v[3] += (e.tdur ?? 0) / 1000; sum.set(k, v) }
console.log([...sum].sort((a, b) => b[1][0] - a[1][0]).slice(0, 25).map(([k, v]) => `${v[0].toFixed(0)}ms cpu=${v[3].toFixed(0)} n=${v[1]} max=${v[2].toFixed(0)} ${k}`).join('\n'))
await browser.close(); child.kill()
