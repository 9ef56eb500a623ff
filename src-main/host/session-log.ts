// Where a host records its session: every event, as it happens, to an append-only NDJSON file.
import { mkdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { HelloInfo } from '../../src-shared/contract'
import { createRecorder, sessionFileName, type Recorder } from '../session'

/** `startMicros`: the monotonic clock (µs) at the session's t = 0, for the header. */
export async function openSessionLog(file: string | undefined, sessionsDir: string, info: HelloInfo, startMicros: number): Promise<Recorder> {
  const path = file ?? join(sessionsDir, sessionFileName(info.sessionStartWall, info.hostPid))
  await mkdir(dirname(path), { recursive: true })
  return createRecorder(
    path,
    { version: info.version, platform: info.platform, startedAtWall: info.sessionStartWall, startedAtMonotonicUs: startMicros, hostPid: info.hostPid },
    { onError: (error) => process.stderr.write(`proclab: the session log ${path} stopped recording: ${error.message}\n`) },
  )
}
