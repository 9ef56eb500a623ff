// Where a host records its session: every event, as it happens, to an append-only NDJSON file.
// Recording serves the run, never the other way round: a full disk or a read-only folder stops
// the recording (or keeps it from starting) with one clear report, and the run goes on.
import { mkdir, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { HelloInfo } from '../../src-shared/contract'
import { createRecorder, describeFsError, sessionFileName, type Recorder } from '../session'
import { HostError } from './errors'

export interface RecordingStop {
  /** The session file, or the folder that could not be made for it. */
  file: string
  /** The OS's reason, e.g. "no space left on device (ENOSPC)". */
  error: string
  /** False when recording never started. */
  started: boolean
}

/**
 * `startMicros`: the monotonic clock (µs) at the session's t = 0, for the header. Resolves with
 * null (after `onStop`) when the file cannot be made or written; throws only when the caller named
 * a file that exists already, a mistake the caller can fix before anything has run.
 */
export async function openSessionLog(
  file: string | undefined,
  sessionsDir: string,
  info: HelloInfo,
  startMicros: number,
  onStop: (stop: RecordingStop) => void,
): Promise<Recorder | null> {
  const path = file ?? join(sessionsDir, sessionFileName(info.sessionStartWall, info.hostPid))
  try {
    // Private: the log holds everything the lab printed. Folders that exist are left as they are.
    await mkdir(dirname(path), { recursive: true, mode: 0o700 })
    return await createRecorder(
      path,
      { version: info.version, platform: info.platform, startedAtWall: info.sessionStartWall, startedAtMonotonicUs: startMicros, hostPid: info.hostPid },
      { onError: (error) => onStop({ file: path, error: describeFsError(error), started: true }) },
    )
  } catch (error) {
    const { code, path: where } = error as NodeJS.ErrnoException
    if (code === 'EEXIST' && where === path) throw await existingFileError(path)
    const folder = where && where !== path ? `its folder ${where}: ` : ''
    onStop({ file: path, error: `${folder}${describeFsError(error)}`, started: false })
    return null
  }
}

async function existingFileError(path: string): Promise<HostError> {
  const folder = await stat(path).then((info) => info.isDirectory(), () => false)
  return new HostError(
    'refused',
    folder
      ? `${path} is a folder; give the session log a file name (--log ${join(path, 'session.ndjson')})`
      : `${path} exists already; a session log is never written into an existing file (give --log a new name, or --no-log)`,
  )
}
