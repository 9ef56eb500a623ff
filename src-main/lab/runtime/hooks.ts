// Resolve hook for `module.register` (Node < 22.15 has no in-thread hooks). Runs in Node's loader
// thread, so it is kept free of imports. It maps the bare specifier 'proclab' to the built API
// (next to this file in out/main) and has lab TypeScript files loaded as ES modules.
const api = new URL('./lab.js', import.meta.url).href

interface Resolved {
  url: string
  format?: string | null
  shortCircuit?: boolean
}
type NextResolve = (specifier: string, context: unknown) => Resolved | Promise<Resolved>

export async function resolve(specifier: string, context: unknown, nextResolve: NextResolve): Promise<Resolved> {
  if (specifier === 'proclab') return { url: api, shortCircuit: true }
  return asLabModule(await nextResolve(specifier, context))
}

/**
 * Lab scripts are ES modules (`export default async function main`). Outside a package with
 * "type": "module", a .ts file would otherwise be taken for CommonJS.
 */
export function asLabModule(resolved: Resolved): Resolved {
  if (/\.tsx?$/i.test(resolved.url) && resolved.url.startsWith('file:') && !resolved.url.includes('/node_modules/')) {
    return { ...resolved, format: 'module' }
  }
  return resolved
}
