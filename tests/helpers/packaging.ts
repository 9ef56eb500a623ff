// Packs the app for real with electron-builder, on a machine where Electron cannot be downloaded:
// electron-builder takes a local Electron distribution (`electronDist`), and this one is a stand-in
// whose "binary" is only a fuse wire. Everything else is electron-builder's own work with the
// project's config: the file set, the asar and its unpacked twin, package.json as shipped, the fuses.
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { getRawHeader } from '@electron/asar'
import { appInFolder, type PackagedApp } from '../../scripts/packaging/packaged-app'

/** The marker @electron/fuses looks for in an Electron binary; the fuse wire follows it. */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
const FUSE_WIRE_VERSION = 1

/**
 * A stand-in for an unpacked Linux Electron: an executable named `electron` holding a fuse wire of
 * nine fuses (Electron 45's) in the given states ('0' off, '1' on), and an empty resources folder.
 */
export function standInElectron(dir: string, wire: string): void {
  mkdirSync(join(dir, 'resources'), { recursive: true })
  const bytes = Buffer.from(wire, 'latin1')
  const binary = Buffer.concat([
    Buffer.from('#!/bin/sh\necho "a stand-in for Electron: it only carries a fuse wire" >&2\nexit 1\n'),
    Buffer.from(FUSE_SENTINEL, 'latin1'),
    Buffer.from([FUSE_WIRE_VERSION, bytes.length]),
    bytes,
    Buffer.from('\n'),
  ])
  writeFileSync(join(dir, 'electron'), binary, { mode: 0o755 })
  writeFileSync(join(dir, 'LICENSE'), 'stand-in\n')
  writeFileSync(join(dir, 'version'), '45.5.0\n')
}

/** Runs the project's electron-builder config for a Linux `dir` target into `output`. */
export function packLinuxDir(projectDir: string, electronDist: string, output: string): PackagedApp {
  const cli = createRequire(import.meta.url).resolve('electron-builder/cli.js')
  const result = spawnSync(
    process.execPath,
    [cli, '--linux', 'dir', '--x64', '--publish', 'never', `-c.electronDist=${electronDist}`, `-c.directories.output=${output}`],
    { cwd: projectDir, encoding: 'utf8' },
  )
  if (result.status !== 0) throw new Error(`electron-builder failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`)
  const app = appInFolder(output, 'linux-unpacked')
  if (!app) throw new Error('no Linux app folder name matched')
  return app
}

export interface ArchiveEntry {
  path: string
  size: number
  unpacked: boolean
}

interface HeaderNode {
  files?: Record<string, HeaderNode>
  size?: number
  unpacked?: boolean
  link?: string
}

/** Every file the archive's header lists, packed or unpacked, with its size. */
export function archiveEntries(archive: string): ArchiveEntry[] {
  const entries: ArchiveEntry[] = []
  const walk = (node: HeaderNode, prefix: string) => {
    for (const [name, child] of Object.entries(node.files ?? {})) {
      const path = prefix ? `${prefix}/${name}` : name
      if (child.files) walk(child, path)
      else if (!child.link) entries.push({ path, size: child.size ?? 0, unpacked: child.unpacked === true })
    }
  }
  walk(getRawHeader(archive).header as HeaderNode, '')
  return entries.sort((a, b) => a.path.localeCompare(b.path))
}

/** Sizes added up per package (node_modules/zod, node_modules/@esbuild/linux-x64) or top two folders (out/main). */
export function sizesByFolder(entries: readonly ArchiveEntry[]): Map<string, number> {
  const sizes = new Map<string, number>()
  for (const { path, size } of entries) {
    const parts = path.split('/')
    const depth = parts[0] === 'node_modules' && parts[1]?.startsWith('@') ? 3 : 2
    const folder = parts.slice(0, Math.min(depth, parts.length - 1) || 1).join('/')
    sizes.set(folder, (sizes.get(folder) ?? 0) + size)
  }
  return new Map([...sizes].sort((a, b) => b[1] - a[1]))
}

export function kib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`
}
