// Runs the `proclab` command as a user does: bin/proclab.js in a Node process of its own, with a
// data folder of its own, so that `proclab sessions`, `export latest` and the recordings of
// `proclab run` see only what the test put there.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { platform } from '../../src-main/platform'

export const root = fileURLToPath(new URL('../..', import.meta.url))
export const proclabBin = join(root, 'bin', 'proclab.js')

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

export interface CliHome {
  /** The user's data folder as ProcLab sees it (XDG_DATA_HOME, APPDATA or HOME, per OS). */
  dataHome: string
  /** Its sessions folder (where `proclab run` records and `proclab sessions` looks). */
  sessionsDir: string
  /** Runs `proclab ...args` with this data folder; never rejects, the exit code says how it went. */
  run(args: string[], options?: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<CliResult>
  cleanup(): void
}

/**
 * A throwaway home for the command. Every OS's variable is set; ProcLab's platform module reads
 * the one of its OS (XDG_DATA_HOME on Linux, APPDATA on Windows, HOME on macOS) and says where
 * the sessions folder is.
 */
export function cliHome(): CliHome {
  const base = mkdtempSync(join(tmpdir(), 'proclab-cli-'))
  const dataHome = join(base, 'data')
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    XDG_DATA_HOME: dataHome,
    XDG_CONFIG_HOME: join(base, 'config'),
    APPDATA: dataHome,
    HOME: base,
    FORCE_COLOR: '0',
    NO_COLOR: '1',
  }
  return {
    dataHome,
    sessionsDir: platform.dataFolders(env, base).sessions,
    run: (args, options = {}) =>
      new Promise((resolve) => {
        execFile(process.execPath, [proclabBin, ...args], { cwd: options.cwd ?? base, env: { ...env, ...options.env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : null) : 0
          resolve({ code, stdout, stderr })
        })
      }),
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  }
}
