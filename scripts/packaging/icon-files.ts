// The icon file formats the installers take, written from PNG images and read back by the tests.
// An .icns holds PNG data as it is (macOS 10.7 and later read PNG for every type below). An .ico
// holds its 256-pixel image as PNG and the smaller ones as 32-bit bitmaps, the layout Windows' own
// tools write and every reader of .ico files (the shell, rcedit, NSIS) takes.
import { inflateSync } from 'node:zlib'

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

export interface IconImage {
  size: number
  png: Buffer
}

/** Width and height from a PNG's header; throws on anything that is not a PNG. */
export function pngSize(png: Buffer): { width: number; height: number } {
  if (png.length < 24 || !png.subarray(0, 8).equals(PNG_SIGNATURE) || png.toString('latin1', 12, 16) !== 'IHDR') {
    throw new Error('not a PNG image')
  }
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) }
}

/** A PNG's pixels as RGBA rows, for the 8-bit RGBA non-interlaced PNGs a browser writes. */
export function pngRgba(png: Buffer): { width: number; height: number; rgba: Buffer } {
  const { width, height } = pngSize(png)
  const [bitDepth, colourType, , , interlace] = png.subarray(24, 29)
  if (bitDepth !== 8 || colourType !== 6 || interlace !== 0) throw new Error('only 8-bit RGBA, non-interlaced PNGs are read')
  const idat: Buffer[] = []
  for (let offset = 8; offset < png.length; ) {
    const length = png.readUInt32BE(offset)
    const type = png.toString('latin1', offset + 4, offset + 8)
    if (type === 'IDAT') idat.push(png.subarray(offset + 8, offset + 8 + length))
    offset += 12 + length
  }
  const filtered = inflateSync(Buffer.concat(idat))
  const stride = width * 4
  if (filtered.length !== height * (stride + 1)) throw new Error('PNG image data has the wrong length')
  const rgba = Buffer.alloc(height * stride)
  for (let y = 0; y < height; y++) {
    const filter = filtered[y * (stride + 1)]
    const line = filtered.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1))
    for (let x = 0; x < stride; x++) {
      const left = x >= 4 ? rgba[y * stride + x - 4] : 0
      const up = y > 0 ? rgba[(y - 1) * stride + x] : 0
      const upLeft = x >= 4 && y > 0 ? rgba[(y - 1) * stride + x - 4] : 0
      rgba[y * stride + x] = (line[x] + unfilter(filter, left, up, upLeft)) & 0xff
    }
  }
  return { width, height, rgba }
}

function unfilter(filter: number, left: number, up: number, upLeft: number): number {
  switch (filter) {
    case 0:
      return 0
    case 1:
      return left
    case 2:
      return up
    case 3:
      return (left + up) >> 1
    case 4: {
      const p = left + up - upLeft
      const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)]
      return pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft
    }
    default:
      throw new Error(`unknown PNG filter ${filter}`)
  }
}

const ICO_HEADER = 6
const ICO_ENTRY = 16
const BITMAP_HEADER = 40

/**
 * A 32-bit bitmap entry of an .ico: a BITMAPINFOHEADER of twice the height (image and mask), the
 * BGRA rows bottom-up, then the 1-bit AND mask (set where the pixel is fully transparent).
 */
function icoBitmap(png: Buffer): Buffer {
  const { width, height, rgba } = pngRgba(png)
  const maskStride = Math.ceil(width / 32) * 4
  const out = Buffer.alloc(BITMAP_HEADER + width * height * 4 + maskStride * height)
  out.writeUInt32LE(BITMAP_HEADER, 0)
  out.writeInt32LE(width, 4)
  out.writeInt32LE(height * 2, 8)
  out.writeUInt16LE(1, 12) // planes
  out.writeUInt16LE(32, 14) // bits per pixel
  out.writeUInt32LE(width * height * 4 + maskStride * height, 20)
  const mask = BITMAP_HEADER + width * height * 4
  for (let y = 0; y < height; y++) {
    const row = height - 1 - y // bottom-up
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * 4
      const to = BITMAP_HEADER + (row * width + x) * 4
      out[to] = rgba[from + 2]
      out[to + 1] = rgba[from + 1]
      out[to + 2] = rgba[from]
      out[to + 3] = rgba[from + 3]
      if (rgba[from + 3] === 0) out[mask + row * maskStride + (x >> 3)] |= 0x80 >> (x & 7)
    }
  }
  return out
}

/** A Windows .ico: one entry per image, sizes up to 256 (stored as 0 in the byte fields). */
export function icoFile(images: readonly IconImage[]): Buffer {
  const header = Buffer.alloc(ICO_HEADER + ICO_ENTRY * images.length)
  header.writeUInt16LE(0, 0)
  header.writeUInt16LE(1, 2) // 1 = icon
  header.writeUInt16LE(images.length, 4)
  const data = images.map(({ size, png }) => (size >= 256 ? png : icoBitmap(png)))
  let offset = header.length
  images.forEach(({ size, png }, index) => {
    if (size < 1 || size > 256) throw new Error(`an .ico entry is 1 to 256 pixels, not ${size}`)
    const { width, height } = pngSize(png)
    if (width !== size || height !== size) throw new Error(`the ${size}-pixel .ico entry is ${width}x${height}`)
    const entry = ICO_HEADER + ICO_ENTRY * index
    header.writeUInt8(size % 256, entry)
    header.writeUInt8(size % 256, entry + 1)
    header.writeUInt8(0, entry + 2) // no palette
    header.writeUInt8(0, entry + 3)
    header.writeUInt16LE(1, entry + 4) // colour planes
    header.writeUInt16LE(32, entry + 6) // bits per pixel
    header.writeUInt32LE(data[index].length, entry + 8)
    header.writeUInt32LE(offset, entry + 12)
    offset += data[index].length
  })
  return Buffer.concat([header, ...data])
}

export interface IcoEntry {
  width: number
  height: number
  data: Buffer
}

export function readIco(file: Buffer): IcoEntry[] {
  if (file.length < ICO_HEADER || file.readUInt16LE(0) !== 0 || file.readUInt16LE(2) !== 1) throw new Error('not an .ico file')
  const count = file.readUInt16LE(4)
  return Array.from({ length: count }, (_, index) => {
    const entry = ICO_HEADER + ICO_ENTRY * index
    const length = file.readUInt32LE(entry + 8)
    const offset = file.readUInt32LE(entry + 12)
    if (offset + length > file.length) throw new Error(`.ico entry ${index} runs past the end of the file`)
    return { width: file.readUInt8(entry) || 256, height: file.readUInt8(entry + 1) || 256, data: file.subarray(offset, offset + length) }
  })
}

/** The .icns types this project writes, each with the pixel size of its image (@2x types are double). */
export const ICNS_TYPES = {
  icp4: 16,
  icp5: 32,
  ic11: 32, // 16 @2x
  ic12: 64, // 32 @2x
  ic07: 128,
  ic13: 256, // 128 @2x
  ic08: 256,
  ic14: 512, // 256 @2x
  ic09: 512,
  ic10: 1024, // 512 @2x
} as const
export type IcnsType = keyof typeof ICNS_TYPES

export interface IcnsEntry {
  type: string
  data: Buffer
}

/** A macOS .icns: the 'icns' header, then one (type, length, data) block per entry. */
export function icnsFile(entries: readonly IcnsEntry[]): Buffer {
  const blocks = entries.map(({ type, data }) => {
    if (!/^[\x20-\x7e]{4}$/.test(type)) throw new Error(`an .icns type is four ASCII characters, not '${type}'`)
    const head = Buffer.alloc(8)
    head.write(type, 0, 'latin1')
    head.writeUInt32BE(data.length + 8, 4)
    return Buffer.concat([head, data])
  })
  const head = Buffer.alloc(8)
  head.write('icns', 0, 'latin1')
  head.writeUInt32BE(8 + blocks.reduce((sum, block) => sum + block.length, 0), 4)
  return Buffer.concat([head, ...blocks])
}

export function readIcns(file: Buffer): IcnsEntry[] {
  if (file.length < 8 || file.toString('latin1', 0, 4) !== 'icns' || file.readUInt32BE(4) !== file.length) throw new Error('not an .icns file')
  const entries: IcnsEntry[] = []
  for (let offset = 8; offset < file.length; ) {
    const length = file.readUInt32BE(offset + 4)
    if (length < 8 || offset + length > file.length) throw new Error(`.icns entry at ${offset} has a bad length`)
    entries.push({ type: file.toString('latin1', offset, offset + 4), data: file.subarray(offset + 8, offset + length) })
    offset += length
  }
  return entries
}

/** The Linux icon set (build/icons/NxN.png) and the .ico's entries, in pixels. */
export const LINUX_ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512] as const
export const ICO_SIZES = [16, 20, 24, 32, 40, 48, 64, 256] as const

/** Where the generated files go, relative to the project folder, and the record of their source. */
export const ICON_SOURCE = 'build/icon.svg'
export const ICON_MANIFEST = 'build/icons.json'
export const ICON_OUTPUTS = { linuxDir: 'build/icons', ico: 'build/icon.ico', icns: 'build/icon.icns' } as const

export interface IconManifest {
  source: string
  /** sha256 of the source SVG the committed files were made from: a changed SVG means stale icons. */
  sha256: string
}
