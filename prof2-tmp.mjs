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
await cdp.send('Profiler.enable')
await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
const mode = process.argv[3]
await cdp.send('Profiler.start')
const t0 = Date.now()
if (mode === 'scroll') {
  await page.getByRole('button', { name: 'Pause' }).click()
  const box = await grid.boundingBox()
  await page.mouse.move(box.x + 300, box.y + 100)
  for (let i = 0; i < 30; i++) { await page.mouse.wheel(0, 1200); await page.evaluate(() => new Promise((r) => requestAnimationFrame(r))) }
} else {
  await page.waitForTimeout(5000)
}
const { profile } = await cdp.send('Profiler.stop')
console.log('wall', Date.now() - t0)
const self = new Map()
const dt = profile.timeDeltas; const byId = new Map(profile.nodes.map((n) => [n.id, n]))
for (let i = 0; i < profile.samples.length; i++) { const n = byId.get(profile.samples[i]); const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + (dt[i] ?? 0) / 1000) }
console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${v.toFixed(1)}ms ${k}`).join('\n'))
await browser.close(); child.kill()
