import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The folder of ProcLab's package.json, found by walking up from this module. Works both from the
 * sources (vitest) and from the build output (out/main/chunks/...), which sit at different depths.
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest) && isProclabManifest(manifest)) return dir
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`ProcLab's package.json was not found above ${fileURLToPath(import.meta.url)}`)
    dir = parent
  }
}

function isProclabManifest(file: string): boolean {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === 'proclab'
  } catch {
    return false
  }
}

export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }
  return manifest.version
}
