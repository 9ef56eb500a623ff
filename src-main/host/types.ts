import type { CommandArgs, CommandName, CommandResults, EventFrame, HelloInfo, Response } from '../../src-shared/contract'
import type { LabEvent } from '../../src-shared/events'

export interface HostOptions {
  /** Most lab processes alive at once in a run; a runaway loop gets a clear error past it. Default 256. */
  maxProcesses?: number
  /** Longest a frame waits before it is sent to UIs, in ms. Default 16 (≤ 60 frames a second). */
  frameIntervalMs?: number
  /** Per-operation events of locks, queues and pipes (default true); off only to measure their cost. */
  telemetry?: boolean
  /**
   * Where this session's events are recorded (NDJSON, append-only): a file path, or false for no
   * record. Default: a new file in the user's data folder (platform.dataFolders()).
   */
  sessionLog?: string | false
  /**
   * The folder the Sessions tab lists (and where a default session log goes). Default: the user's
   * data folder (platform.dataFolders(), shared by the desktop app and the CLI), whose files from
   * an earlier version's folder are moved in first. Exports go to its sibling `exports/`.
   */
  sessionsDir?: string
  /** The user's lab folder, where the editor saves scripts. Default: `lab/` next to the sessions folder. */
  labDir?: string
  /** How often the run's lab processes are sampled (CPU, memory) into the log; 0 for never. Default 1000 ms. */
  sampleIntervalMs?: number
  /**
   * Pids the UI may never signal, besides the host itself (e.g. Electron's renderer). A function is
   * asked at each signal, for processes that come and go (a renderer that is restarted).
   */
  protectedPids?: readonly number[] | (() => Iterable<number>)
}

/** One listener registration; call it to stop listening. */
export type Unsubscribe = () => void

/**
 * The application service: owns the lab supervisor, the monitor and the event stream.
 * Electron's ipcMain, the WebSocket server and the CLI are thin callers of this one object.
 */
export interface Host {
  readonly info: HelloInfo
  /** Validates and runs one command from outside. Never throws: bad input becomes an error response. */
  handle(raw: unknown): Promise<Response>
  /** For trusted in-process callers (the CLI): typed, throws a HostError on failure. */
  call<K extends CommandName>(cmd: K, args: CommandArgs<K>): Promise<CommandResults[K]>
  /** Every event as it happens. */
  onEvent(listener: (event: LabEvent) => void): Unsubscribe
  /** Events coalesced into frames, at most one every frameIntervalMs: what UIs get. */
  onFrame(listener: (frame: EventFrame) => void): Unsubscribe
  /** Ends every lab process and closes the broker. Safe to call twice. */
  dispose(): Promise<void>
}
