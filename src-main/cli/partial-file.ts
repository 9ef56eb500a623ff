// A file written under a temporary name beside its target and renamed to it once complete, so a
// failed or interrupted write leaves neither an empty nor a half-written file (and an existing
// file of that name stays as it was).
import { createWriteStream, rmSync, type WriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { describeFsError } from '../session'

export interface PartialFile {
  target: string
  stream: WriteStream
  /** Waits for the stream to be flushed and closed, then renames it to the target. */
  commit(): Promise<void>
  /** Removes the temporary file (after a failure). */
  discard(): Promise<void>
}

export async function openPartialFile(target: string): Promise<PartialFile> {
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.partial`)
  // 0600: what is written here (a session's events) is the user's alone, like the session.
  const stream = createWriteStream(temp, { flags: 'wx', mode: 0o600 })
  try {
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve())
      stream.once('error', reject)
    })
  } catch (error) {
    throw new Error(`cannot write ${target}: ${describeFsError(error)}`)
  }
  // Ctrl-C or a kill mid-way: the temporary file goes too (the default handlers would skip 'exit').
  const removeNow = () => rmSync(temp, { force: true })
  const onSignal = (signal: NodeJS.Signals) => {
    removeNow()
    process.kill(process.pid, signal)
  }
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']
  for (const signal of signals) process.once(signal, onSignal)
  process.once('exit', removeNow)
  const forget = () => {
    for (const signal of signals) process.off(signal, onSignal)
    process.off('exit', removeNow)
  }
  return {
    target,
    stream,
    async commit() {
      // Closed, not only flushed: Windows cannot rename a file that is still open.
      if (!stream.closed) await new Promise<void>((resolve) => stream.once('close', () => resolve()))
      await rename(temp, target)
      forget()
    },
    async discard() {
      stream.destroy()
      await rm(temp, { force: true })
      forget()
    },
  }
}
