import { existsSync, readFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The folder of ProcLab's package.json, found by walking up from this module. Works both from the
 * sources (vitest) and from the build output (out/main/chunks/...), which sit at different depths.
 */
export function packageRoot(): string {
  return packageRootFrom(import.meta.url)
}

export function packageRootFrom(moduleUrl: string): string {
  let dir = dirname(fileURLToPath(moduleUrl))
  for (;;) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest) && isProclabManifest(manifest)) return unpackedTwin(dir)
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`ProcLab's package.json was not found above ${fileURLToPath(moduleUrl)}`)
    dir = parent
  }
}

/**
 * In the installed app the Electron main process finds its root inside resources/app.asar, an
 * archive that only Electron's own fs can read. Lab processes, the CLI and `serve` need real files:
 * the packaging config unpacks everything they use (package.json included) into the twin folder
 * app.asar.unpacked, so the root is taken from there and every process sees one layout.
 */
function unpackedTwin(dir: string): string {
  if (basename(dir) !== 'app.asar') return dir
  const twin = `${dir}.unpacked`
  return existsSync(join(twin, 'package.json')) ? twin : dir
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
