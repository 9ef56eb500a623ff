import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { packageRoot } from '../package-root'

/** Where the built lab files are. Lab processes always run the build (out/main), never the sources. */
export function labPaths() {
  const out = join(packageRoot(), 'out', 'main')
  return {
    /** The entry every lab process starts with. */
    runtime: join(out, 'lab-runtime.js'),
    /** The `proclab` module that lab scripts import. */
    apiUrl: pathToFileURL(join(out, 'lab.js')).href,
    /** Resolve hook for `module.register`, where in-thread hooks are missing (Node < 22.15). */
    hooksUrl: pathToFileURL(join(out, 'lab-hooks.js')).href,
  }
}

/**
 * Extra Node flags for every lab process, from PROCLAB_NODE_ARGS (e.g. "--cpu-prof
 * --cpu-prof-dir=/tmp/prof" to profile a run; Node refuses --cpu-prof in NODE_OPTIONS).
 */
export function labNodeArgs(): string[] {
  return (process.env.PROCLAB_NODE_ARGS ?? '').split(/\s+/).filter(Boolean)
}
