// The committed icon files are made from build/icon.svg by `npm run icons` (scripts/packaging/icons.ts).
// These tests read them as the installers' tools will: each file well-formed, each image the size it
// claims, the .ico's bitmaps the same pixels as the PNGs, and none of them older than the SVG.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import config from '../../electron-builder'
import {
  ICNS_TYPES,
  ICO_SIZES,
  ICON_MANIFEST,
  ICON_OUTPUTS,
  ICON_SOURCE,
  LINUX_ICON_SIZES,
  icnsFile,
  icoFile,
  pngRgba,
  pngSize,
  readIcns,
  readIco,
  type IconManifest,
} from '../../scripts/packaging/icon-files'

const root = fileURLToPath(new URL('../..', import.meta.url))
const read = (path: string) => readFileSync(join(root, path))
const linuxPng = (size: number) => read(`${ICON_OUTPUTS.linuxDir}/${size}x${size}.png`)

/** The pixels of a 32-bit .ico bitmap entry as top-down RGBA, for comparison with a PNG. */
function bitmapRgba(entry: Buffer, size: number): Buffer {
  expect(entry.readUInt32LE(0)).toBe(40)
  expect([entry.readInt32LE(4), entry.readInt32LE(8), entry.readUInt16LE(14)]).toEqual([size, size * 2, 32])
  const rgba = Buffer.alloc(size * size * 4)
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const from = 40 + ((size - 1 - y) * size + x) * 4
      const to = (y * size + x) * 4
      rgba.set([entry[from + 2], entry[from + 1], entry[from], entry[from + 3]], to)
    }
  }
  return rgba
}

describe('the icons', () => {
  it('were made from the current build/icon.svg (else run `npm run icons`)', () => {
    const manifest = JSON.parse(read(ICON_MANIFEST).toString('utf8')) as IconManifest
    expect(manifest.source).toBe(ICON_SOURCE)
    expect(manifest.sha256).toBe(createHash('sha256').update(read(ICON_SOURCE)).digest('hex'))
  })

  it('are the files electron-builder.ts names', () => {
    expect(config.linux?.icon).toBe(ICON_OUTPUTS.linuxDir)
    expect(config.win?.icon).toBe(ICON_OUTPUTS.ico)
    expect(config.mac?.icon).toBe(ICON_OUTPUTS.icns)
  })

  it('give Linux one PNG per size, transparent outside the rounded square', () => {
    for (const size of LINUX_ICON_SIZES) {
      const { width, height, rgba } = pngRgba(linuxPng(size))
      expect([width, height], `${size}x${size}.png`).toEqual([size, size])
      const alpha = (x: number, y: number) => rgba[(y * size + x) * 4 + 3]
      expect(alpha(0, 0), `corner of ${size}`).toBe(0)
      expect(alpha(size >> 1, size >> 1), `middle of ${size}`).toBe(255)
    }
  })

  it('give Windows an .ico with a 256-pixel PNG and bitmaps below it, the same pixels as the PNGs', () => {
    const entries = readIco(read(ICON_OUTPUTS.ico))
    expect(entries.map((entry) => entry.width)).toEqual([...ICO_SIZES])
    for (const entry of entries) {
      expect(entry.height).toBe(entry.width)
      if (entry.width === 256) {
        expect(pngSize(entry.data)).toEqual({ width: 256, height: 256 })
        continue
      }
      const linux = (LINUX_ICON_SIZES as readonly number[]).includes(entry.width) ? pngRgba(linuxPng(entry.width)).rgba : null
      const pixels = bitmapRgba(entry.data, entry.width)
      if (linux) expect(pixels.equals(linux), `${entry.width}-pixel bitmap`).toBe(true)
    }
  })

  it('give macOS an .icns with each type at its size', () => {
    const entries = readIcns(read(ICON_OUTPUTS.icns))
    expect(entries.map((entry) => entry.type)).toEqual(Object.keys(ICNS_TYPES))
    for (const { type, data } of entries) {
      const size = ICNS_TYPES[type as keyof typeof ICNS_TYPES]
      expect(pngSize(data), type).toEqual({ width: size, height: size })
    }
  })

  it('are written in formats their readers take back, and bad input is refused', () => {
    const png = linuxPng(16)
    expect(readIcns(icnsFile([{ type: 'icp4', data: png }]))).toEqual([{ type: 'icp4', data: png }])
    expect(readIco(icoFile([{ size: 256, png: read(`${ICON_OUTPUTS.linuxDir}/256x256.png`) }]))[0].width).toBe(256)
    expect(() => icoFile([{ size: 32, png }])).toThrow(/16x16/)
    expect(() => icnsFile([{ type: 'toolong', data: png }])).toThrow(/four ASCII/)
    expect(() => pngSize(Buffer.from('GIF89a'))).toThrow(/not a PNG/)
  })
})
