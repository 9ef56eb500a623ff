// Everything the host knows about each lab process it ever started in this session.
import type { ControlConnection } from './broker'

export interface ExitRecord {
  exitCode: number | null
  signal: string | null
  at: number
}

export interface LabProcessRecord {
  lid: string
  runId: string
  name: string
  daemon: boolean
  target: string
  parentLid: string | null
  /** What this process presents in each opening; made by the host, never by the process. */
  token: string
  /** Known from the host's own spawn (the lab main) or the parent's report, checked with the OS. */
  pid: number | null
  ppid: number | null
  /** Linux: the start time of `pid` when it was recorded; the pid is signalled only while it names that process. */
  startTime: number | null
  /** What the child asks for when it starts; dropped once handed over. */
  spec: Uint8Array | null
  state: 'spawning' | 'alive' | 'exited'
  connection: ControlConnection | null
  /** Its control connection has closed: the process has ended, or is ending. */
  disconnected: boolean
  /** Which of its output sockets have been opened: each may be, once. */
  stdioOpened: { stdout: boolean; stderr: boolean }
  /**
   * Of its stdout, stderr and control connection, how many have not closed yet: its exit is
   * announced only once all three have (or have stayed quiet for a while), so nothing the process
   * printed or told the broker before it ended can come after its exit.
   */
  openStreams: number
  /** Counts what arrived from the process (output chunks, messages): a quiet process has ended. */
  activity: number
  /**
   * The last signal ProcLab sent it that ends a process (the run's stop, the UI's Kill): what its
   * exit is recorded as when no parent is left to report it.
   */
  endedBy: NodeJS.Signals | null
  /** Known exit not yet announced (waiting for the last output). */
  pendingExit: ExitRecord | null
  exit: ExitRecord | null
  onExit: Array<() => void>
  /** Run once its control connection has closed (everything it sent has been read). */
  onDisconnect: Array<() => void>
}

export class Registry {
  private readonly byLid = new Map<string, LabProcessRecord>()

  add(init: Omit<LabProcessRecord, 'pid' | 'ppid' | 'startTime' | 'state' | 'connection' | 'disconnected' | 'stdioOpened' | 'openStreams' | 'activity' | 'endedBy' | 'pendingExit' | 'exit' | 'onExit' | 'onDisconnect'>): LabProcessRecord {
    const record: LabProcessRecord = {
      ...init,
      pid: null,
      ppid: null,
      startTime: null,
      state: 'spawning',
      connection: null,
      disconnected: false,
      stdioOpened: { stdout: false, stderr: false },
      openStreams: 3,
      activity: 0,
      endedBy: null,
      pendingExit: null,
      exit: null,
      onExit: [],
      onDisconnect: [],
    }
    this.byLid.set(record.lid, record)
    return record
  }

  get(lid: string): LabProcessRecord | undefined {
    return this.byLid.get(lid)
  }

  /** The live lab process with this pid (pids are reused once a process is gone). */
  liveByPid(pid: number): LabProcessRecord | undefined {
    for (const record of this.byLid.values()) if (record.pid === pid && record.state !== 'exited') return record
    return undefined
  }

  childrenOf(lid: string): LabProcessRecord[] {
    return [...this.byLid.values()].filter((record) => record.parentLid === lid)
  }

  live(runId?: string): LabProcessRecord[] {
    return [...this.byLid.values()].filter((record) => record.state !== 'exited' && (runId === undefined || record.runId === runId))
  }

  livePids(): Set<number> {
    return new Set(this.live().flatMap((record) => (record.pid === null ? [] : [record.pid])))
  }
}
