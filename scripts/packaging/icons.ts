// `npm run icons`: renders build/icon.svg, the one source image, into every icon file the installers
// use: the Linux set (build/icons/NxN.png), build/icon.ico and build/icon.icns. The files are
// committed (about 145 kB together), so packaging needs no browser; build/icons.json records the SVG's
// hash and the unit tests fail when the SVG changed without the icons being made again.
// Rendering is Chromium's (PROCLAB_CHROMIUM, else Debian's /usr/bin/chromium), the browser the UI
// tests use: the icon looks as the SVG does in a browser.
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import {
  ICNS_TYPES,
  ICO_SIZES,
  ICON_MANIFEST,
  ICON_OUTPUTS,
  ICON_SOURCE,
  LINUX_ICON_SIZES,
  icnsFile,
  icoFile,
  pngSize,
  type IcnsType,
  type IconManifest,
} from './icon-files'

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)))

async function renderSizes(svg: Buffer, sizes: readonly number[]): Promise<Map<number, Buffer>> {
  const browser = await chromium.launch({ executablePath: process.env.PROCLAB_CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] })
  try {
    const page = await browser.newPage({ deviceScaleFactor: 1 })
    const src = `data:image/svg+xml;base64,${svg.toString('base64')}`
    const rendered = new Map<number, Buffer>()
    for (const size of sizes) {
      await page.setViewportSize({ width: size, height: size })
      await page.setContent(`<!doctype html><body style="margin:0"><img src="${src}" width="${size}" height="${size}" style="display:block">`)
      await page.locator('img').evaluate((img: { decode(): Promise<void> }) => img.decode())
      const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } })
      const { width, height } = pngSize(png)
      if (width !== size || height !== size) throw new Error(`rendered ${width}x${height} for ${size}x${size}`)
      rendered.set(size, png)
    }
    return rendered
  } finally {
    await browser.close()
  }
}

const svg = readFileSync(join(root, ICON_SOURCE))
const sizes = [...new Set<number>([...LINUX_ICON_SIZES, ...ICO_SIZES, ...Object.values(ICNS_TYPES)])].sort((a, b) => a - b)
const png = await renderSizes(svg, sizes)
const at = (size: number) => png.get(size)!

const linuxDir = join(root, ICON_OUTPUTS.linuxDir)
rmSync(linuxDir, { recursive: true, force: true })
mkdirSync(linuxDir, { recursive: true })
for (const size of LINUX_ICON_SIZES) writeFileSync(join(linuxDir, `${size}x${size}.png`), at(size))
writeFileSync(join(root, ICON_OUTPUTS.ico), icoFile(ICO_SIZES.map((size) => ({ size, png: at(size) }))))
writeFileSync(join(root, ICON_OUTPUTS.icns), icnsFile((Object.keys(ICNS_TYPES) as IcnsType[]).map((type) => ({ type, data: at(ICNS_TYPES[type]) }))))
const manifest: IconManifest = { source: ICON_SOURCE, sha256: createHash('sha256').update(svg).digest('hex') }
writeFileSync(join(root, ICON_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`)
console.log(`icons: ${LINUX_ICON_SIZES.length} PNGs in ${ICON_OUTPUTS.linuxDir}, ${ICON_OUTPUTS.ico}, ${ICON_OUTPUTS.icns} from ${ICON_SOURCE}`)
