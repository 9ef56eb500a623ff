// The user's own lab scripts, as the Lab view's editor writes them: plain files in one folder of the
// user's data (the `lab` sibling of `sessions`). A UI names a script by its file name only; every
// path is made here, checked to stay in the folder, and nothing that is not a plain file of it (a
// link to elsewhere, a folder) is read, written or run.
import { lstat, mkdir, readdir, readFile, realpath, rename, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { LAB_SCRIPT_MAX_BYTES, LAB_SCRIPT_NAME_PATTERN, type LabScriptInfo, type LabScriptSaved, type LabScriptSource } from '../../src-shared/contract'
import { HostError } from './errors'

/** Where the lab's own scripts go: next to the sessions and exports folders. */
export function labDirFor(sessionsDir: string): string {
  return join(dirname(sessionsDir), 'lab')
}

export class LabScripts {
  constructor(readonly dir: string) {}

  /** The scripts in the folder, newest first; a missing folder is an empty list. */
  async list(): Promise<LabScriptInfo[]> {
    let names: string[]
    try {
      names = await readdir(this.dir)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }
    const found: LabScriptInfo[] = []
    for (const name of names.filter((n) => LAB_SCRIPT_NAME_PATTERN.test(n))) {
      const info = await lstat(join(this.dir, name)).catch(() => null)
      if (info?.isFile()) found.push({ name, bytes: info.size, modifiedAtWall: info.mtimeMs })
    }
    return found.sort((a, b) => b.modifiedAtWall - a.modifiedAtWall || a.name.localeCompare(b.name))
  }

  async read(name: string): Promise<LabScriptSource> {
    const file = await this.existing(name)
    return { name, source: await readFile(file, 'utf8') }
  }

  /**
   * Writes a script (a new one or over the old), through a temporary file and a rename, so a run
   * that starts meanwhile never reads half of it. The folder is made private: it holds the user's code.
   */
  async save(name: string, source: string): Promise<LabScriptSaved> {
    const file = this.pathOf(name)
    const bytes = Buffer.byteLength(source, 'utf8')
    if (bytes > LAB_SCRIPT_MAX_BYTES) throw new HostError('bad-request', `A lab script may be ${LAB_SCRIPT_MAX_BYTES} bytes at most; this one is ${bytes}.`)
    await mkdir(this.dir, { recursive: true, mode: 0o700 })
    const info = await lstat(file).catch(() => null)
    if (info && !info.isFile()) throw new HostError('refused', `${name} in the lab folder is not a plain file; ProcLab will not write through it.`)
    const temporary = join(this.dir, `.${name}.${process.pid}.tmp`)
    await writeFile(temporary, source, { encoding: 'utf8', mode: 0o600 })
    await rename(temporary, file)
    return { name, path: file, bytes }
  }

  /** The absolute path of a script to run: a plain file of the folder, never one reached through a link. */
  async runnable(name: string): Promise<string> {
    const file = await this.existing(name)
    const [real, folder] = await Promise.all([realpath(file), realpath(this.dir)])
    if (dirname(real) !== folder) throw new HostError('refused', `${name} is not in the lab folder.`)
    return file
  }

  private async existing(name: string): Promise<string> {
    const file = this.pathOf(name)
    const info = await lstat(file).catch(() => null)
    if (!info) throw new HostError('not-found', `No lab script '${name}' in ${this.dir}.`)
    if (!info.isFile()) throw new HostError('refused', `${name} in the lab folder is not a plain file.`)
    return file
  }

  /** The name was checked by the command's schema; checked again here, for callers inside the host. */
  private pathOf(name: string): string {
    if (!LAB_SCRIPT_NAME_PATTERN.test(name)) throw new HostError('bad-request', `'${name}' is not a lab script name (letters, digits, - and _, then .mjs, .js or .ts).`)
    return join(this.dir, name)
  }
}
