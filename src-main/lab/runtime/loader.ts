// Makes `import ... from 'proclab'` and TypeScript lab scripts work for a script anywhere on disk,
// at the lowest start-up cost the running Node allows: nothing when the script can already
// resolve 'proclab' (it lives inside ProcLab, or next to a node_modules/proclab), in-thread hooks
// where Node has them (22.15+), and a loader thread (≈ 70 ms per process) only where it must.
import { existsSync } from 'node:fs'
import module from 'node:module'
import { dirname, join, relative, isAbsolute } from 'node:path'
import { packageRoot } from '../../package-root'
import { labPaths } from '../paths'
import { asLabModule } from './hooks'

interface SyncResolveHooks {
  resolve(specifier: string, context: unknown, next: (specifier: string, context: unknown) => unknown): unknown
}
type RegisterHooks = (hooks: SyncResolveHooks) => unknown

export async function prepareLoader(script: string): Promise<void> {
  const typescript = /\.[cm]?tsx?$/i.test(script)
  if (typescript) {
    const { register } = await import('tsx/esm/api')
    register()
  }
  // Hooks registered after tsx's run before them, so ours can say "ES module" for lab .ts files.
  if (!typescript && resolvesProclabItself(script)) return
  const { apiUrl, hooksUrl } = labPaths()
  const registerHooks = (module as unknown as { registerHooks?: RegisterHooks }).registerHooks
  if (registerHooks) {
    registerHooks({
      resolve: (specifier, context, next) =>
        specifier === 'proclab' ? { url: apiUrl, shortCircuit: true } : asLabModule(next(specifier, context) as Parameters<typeof asLabModule>[0]),
    })
  } else {
    module.register(hooksUrl)
  }
}

/** Inside ProcLab's own folder the package resolves itself by name; elsewhere a node_modules/proclab may. */
function resolvesProclabItself(script: string): boolean {
  const root = packageRoot()
  const inside = relative(root, script)
  if (!inside.startsWith('..') && !isAbsolute(inside) && !inside.split(/[\\/]/).includes('node_modules')) return true
  for (let dir = dirname(script); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules', 'proclab', 'package.json'))) return true
    if (dirname(dir) === dir) return false
  }
}
