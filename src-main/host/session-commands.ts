// The Sessions tab's commands: list, delete, read (for replay) and export the recorded sessions.
// Ids are file names checked by the contract's schema; the file is then looked up inside the
// sessions folder only, so no id can name a path outside it.
import { unlink } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import type { CommandArgs, CommandResults } from '../../src-shared/contract'
import type { EventBody } from '../../src-shared/events'
import { exportToFolder, readRunForReplay, SessionCatalog, SessionFormatError } from '../session'
import { HostError } from './errors'

type Result<K extends keyof CommandResults> = Promise<CommandResults[K]>

export class SessionCommands {
  readonly catalog: SessionCatalog

  constructor(
    sessionsDir: string,
    readonly exportsDir: string,
    currentFile: () => string | null,
    private readonly emit: (body: EventBody) => void,
  ) {
    this.catalog = new SessionCatalog(sessionsDir, currentFile)
  }

  list(): Result<'sessions.list'> {
    return this.catalog.list()
  }

  async delete({ id }: CommandArgs<'sessions.delete'>): Result<'sessions.delete'> {
    const file = this.fileInFolder(id)
    if (this.catalog.isCurrent(id)) throw new HostError('refused', `${id} is the session being recorded now; it cannot be deleted while this ProcLab runs`)
    try {
      await unlink(file)
    } catch (error) {
      throw fileError(error, id, 'delete')
    }
    return { id, deleted: true }
  }

  /**
   * Several at once. Every id is checked before anything is deleted: one that is not a session
   * file name of this folder refuses the whole request. Then each is deleted as `delete` does (the
   * session being recorded is refused), and the answer lists what went and what did not.
   */
  async deleteMany({ ids }: CommandArgs<'sessions.deleteMany'>): Result<'sessions.deleteMany'> {
    for (const id of ids) this.fileInFolder(id)
    const deleted: string[] = []
    const failed: CommandResults['sessions.deleteMany']['failed'] = []
    for (const id of new Set(ids)) {
      try {
        await this.delete({ id })
        deleted.push(id)
      } catch (error) {
        const failure = fileError(error, id, 'delete')
        failed.push({ id, code: failure.code, error: failure.message })
      }
    }
    return { deleted, failed }
  }

  /**
   * The file of a session id, refused unless it is a session file name that sits directly in the
   * sessions folder. The contract checked the name already; this holds for callers that skip it.
   */
  private fileInFolder(id: string): string {
    let file: string
    try {
      file = this.catalog.fileOf(id)
    } catch (error) {
      throw new HostError('bad-request', error instanceof Error ? error.message : String(error))
    }
    if (dirname(resolve(file)) !== resolve(this.catalog.dir)) throw new HostError('bad-request', `not a session of the sessions folder: ${id}`)
    return file
  }

  async read({ id, runId }: CommandArgs<'sessions.read'>): Result<'sessions.read'> {
    try {
      return await readRunForReplay(this.catalog.fileOf(id), id, runId)
    } catch (error) {
      if (error instanceof RangeError) throw new HostError('not-found', error.message)
      throw fileError(error, id, 'open')
    }
  }

  async export({ id, format, kinds, fromUs, toUs }: CommandArgs<'sessions.export'>): Result<'sessions.export'> {
    if (fromUs !== undefined && toUs !== undefined && fromUs > toUs) throw new HostError('bad-request', `the time range is empty: from ${fromUs} µs is after to ${toUs} µs`)
    try {
      const done = await exportToFolder(this.catalog.fileOf(id), id, format, this.exportsDir, { kinds, fromUs, toUs })
      this.emit({ kind: 'user.export', session: id, format, ok: true, path: done.path, error: null })
      return { id, format, name: done.name, path: done.path, bytes: done.result.bytes, written: done.result.written, skippedLines: done.result.skippedLines }
    } catch (error) {
      const failure = fileError(error, id, 'export')
      this.emit({ kind: 'user.export', session: id, format, ok: false, path: null, error: failure.message })
      throw failure
    }
  }
}

/** A failure on a session file, in words a user can act on, with a code the UI can use. */
function fileError(error: unknown, id: string, verb: string): HostError {
  if (error instanceof HostError) return error
  if (error instanceof SessionFormatError) return new HostError('failed', `Cannot ${verb} session ${id}: ${error.message.replace(error.file, 'the file')}`)
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return new HostError('not-found', `No session ${id} in the sessions folder (deleted meanwhile?)`)
  const message = error instanceof Error ? error.message : String(error)
  return new HostError('failed', `Cannot ${verb} session ${id}: ${message}`)
}
