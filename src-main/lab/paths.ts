import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { packageRoot } from '../package-root'
import { platform } from '../platform'

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

/** What decides which program a lab process is: the host's own runtime, as Node describes it. */
export interface RuntimeFacts {
  execPath: string
  /** Whether Electron's children start from its helper app (platform.electronChildrenUseHelper). */
  childrenUseHelper: boolean
  /** Set when the host is Electron (its main process, or its binary acting as Node). */
  electronVersion?: string
  /** Electron's helper app (macOS), in Electron's main process only. */
  helperExecPath?: string
}

export function currentRuntime(): RuntimeFacts {
  // Electron adds helperExecPath to `process` without declaring it in its types.
  const { helperExecPath } = process as NodeJS.Process & { helperExecPath?: string }
  return { execPath: process.execPath, childrenUseHelper: platform.electronChildrenUseHelper, electronVersion: process.versions.electron, helperExecPath }
}

/** The program that starts a lab process, and what its environment needs besides the host's. */
export interface LabExecutable {
  command: string
  env: Record<string, string>
}

/**
 * How to start a lab process (the lab main, and each child). Inside Electron the binary is Electron,
 * which acts as Node only with ELECTRON_RUN_AS_NODE; on macOS it must be the helper app, as
 * Electron's own fork() does: the main app's binary would show a second Dock icon per process
 * and run with the app's entitlements. A lab process itself (Electron acting as Node, started as
 * the helper) has no helperExecPath: its execPath is the helper already.
 */
export function labExecutable(runtime: RuntimeFacts = currentRuntime()): LabExecutable {
  if (runtime.electronVersion === undefined) return { command: runtime.execPath, env: {} }
  const useHelper = runtime.childrenUseHelper && !!runtime.helperExecPath
  return { command: useHelper ? runtime.helperExecPath! : runtime.execPath, env: { ELECTRON_RUN_AS_NODE: '1' } }
}
