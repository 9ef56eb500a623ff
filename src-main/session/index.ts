// The session log: recorder, reader, file helpers and exporters. No electron import here:
// the CLI and the headless host use this module as it is.
export { SESSION_FORMAT, SessionFormatError, type SessionHeader, type SessionHeaderInit } from './format'
export {
  createRecorder,
  DEFAULT_FLUSH_INTERVAL_MS,
  DEFAULT_MAX_BYTES,
  type Recorder,
  type RecorderOptions,
  type RecorderStats,
} from './recorder'
export {
  readSession,
  openSession,
  openSessionBatches,
  loadSession,
  emitSessionWarning,
  type SessionRecord,
  type EventRecord,
  type OpenSession,
  type OpenSessionBatches,
  type ReadOptions,
  type SessionWarning,
  WarningTally,
} from './reader'
export { MAX_LINE_BYTES } from './lines'
export { summarizeRun } from './run-summary'
export { describeFsError, listSessions, makeFolderPrivate, sessionFileName, SESSION_EXTENSION, type SessionListing } from './files'
export { exportSession, EXPORT_FORMATS, type ExportOptions, type ExportResult } from './export/export-session'
export type { ExportFormat } from './export/types'
export type { EventFilter } from './export/filter'
export { CSV_COLUMNS } from './export/csv'
export type { AnyEvent, LockEvent, QueueEvent, PipeEvent } from './lab-events'
export { SessionCatalog, scanRuns, RunIndex, SCAN_LIMIT_BYTES, SCAN_BUDGET_BYTES, type RunDetail } from './catalog'
export { readRunForReplay, REPLAY_MAX_EVENTS, REPLAY_MAX_BYTES, type ReplayLimits } from './replay'
export { adoptFormerFolders, type Adoption } from './former-folders'
export { exportToFolder, exportsDirFor, exportFileName, EXPORT_NAME_PATTERN, type FolderExport } from './export-file'
