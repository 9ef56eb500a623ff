// The application service behind every UI: one lab supervisor, one monitor, one event stream.
import { readFile } from 'node:fs/promises'
import type { CommandArgs, CommandName, CommandResults, HelloInfo, Response, SignalName, SignalOutcome } from '../../src-shared/contract'
import { parseRequest } from '../../src-shared/contract'
import type { EventBody, LabEvent } from '../../src-shared/events'
import { monotonicMicros } from '../lab/protocol'
import { Supervisor } from '../lab/supervisor/supervisor'
import { createMonitor, type Monitor } from '../monitor'
import { packageVersion } from '../package-root'
import { openSessionLog, type RecordingStop } from './session-log'
import { adoptFormerFolders, exportsDirFor, makeFolderPrivate, type Recorder } from '../session'
import { platform } from '../platform'
import { LabSampler } from './lab-sampler'
import { SessionCommands } from './session-commands'
import { findScenario, scenarioInfo, scenarioPath, SCENARIOS } from '../scenarios/catalog'
import { errorInfo, HostError } from './errors'
import { FrameCoalescer } from './frames'
import { RunBacklog } from './run-backlog'
import { checkScriptPath } from './script-path'
import { labDirFor, LabScripts } from './lab-scripts'
import type { Host, HostOptions, Unsubscribe } from './types'

type Handlers = { [K in CommandName]: (args: CommandArgs<K>) => Promise<CommandResults[K]> }

export class HostService implements Host {
  readonly info: HelloInfo
  private readonly startMicros = monotonicMicros()
  private seq = 0
  private readonly eventListeners = new Set<(event: LabEvent) => void>()
  private readonly frames: FrameCoalescer
  private readonly backlog = new RunBacklog()
  private runCounter = 0
  private supervisor!: Supervisor
  private readonly monitor: Monitor
  private readonly shellPids: () => Iterable<number>
  private disposed: Promise<void> | null = null
  private recorder: Recorder | null = null
  private readonly sessionsDir: string
  private readonly sessions: SessionCommands
  private readonly sampler: LabSampler
  /** The user's own scripts, as the Lab view's editor saves them. */
  private readonly labScripts: LabScripts

  private constructor(private readonly options: Required<Pick<HostOptions, 'maxProcesses' | 'frameIntervalMs'>> & HostOptions) {
    this.info = { app: 'proclab', version: packageVersion(), platform: platform.name, hostPid: process.pid, sessionStartWall: Date.now(), sessionFile: null, recordingError: null, user: platform.userName(), signals: [...platform.signals.available] }
    this.frames = new FrameCoalescer(options.frameIntervalMs)
    this.monitor = createMonitor()
    const shellPids = options.protectedPids ?? []
    this.shellPids = typeof shellPids === 'function' ? shellPids : () => shellPids
    this.sessionsDir = options.sessionsDir ?? platform.dataFolders().sessions
    this.labScripts = new LabScripts(options.labDir ?? labDirFor(this.sessionsDir))
    this.sessions = new SessionCommands(this.sessionsDir, exportsDirFor(this.sessionsDir), () => this.info.sessionFile, (body) => this.emit(body, null))
    this.sampler = new LabSampler(
      options.sampleIntervalMs ?? 1000,
      () => this.supervisor.registry.live(this.supervisor.currentRunId ?? undefined).flatMap((r) => (r.pid === null ? [] : [{ lid: r.lid, pid: r.pid }])),
      this.monitor,
      (body) => this.emit(body, this.supervisor.currentRunId),
    )
  }

  /** Where sessions.export writes; the web server serves downloads from here only. */
  get exportsDir(): string {
    return this.sessions.exportsDir
  }

  static async create(options: HostOptions = {}): Promise<HostService> {
    const host = new HostService({ maxProcesses: 256, frameIntervalMs: 16, ...options })
    // ProcLab's own folders hold the lab's output: an older version made them readable by all.
    await Promise.all([makeFolderPrivate(host.sessionsDir), makeFolderPrivate(host.exportsDir)])
    // The user's own folders take in what an earlier version kept elsewhere, so every ProcLab lists the same sessions.
    const adoption = options.sessionsDir === undefined ? await adoptFormerFolders(platform.formerDataFolders(), platform.dataFolders()) : null
    if (options.sessionLog !== false) {
      host.recorder = await openSessionLog(options.sessionLog, host.sessionsDir, host.info, host.startMicros, (stop) => host.recordingStopped(stop))
      host.info.sessionFile = host.recorder?.file ?? null
    }
    for (const note of adoption?.notes ?? []) host.emit({ kind: 'lab.error', message: `an earlier version's session folder: ${note}` }, null)
    host.supervisor = await Supervisor.create({
      maxProcesses: host.options.maxProcesses,
      telemetry: host.options.telemetry,
      emit: (body, runId, at) => host.emit(body, runId, at),
    })
    return host
  }

  async handle(raw: unknown): Promise<Response> {
    const parsed = parseRequest(raw)
    if (!parsed.ok) return { id: parsed.id ?? -1, ok: false, error: parsed.error }
    const { id, cmd, args } = parsed.request
    try {
      const value = await (this.handlers[cmd] as (args: unknown) => Promise<unknown>)(args)
      return { id, ok: true, value } as Response
    } catch (error) {
      return { id, ok: false, error: errorInfo(error) }
    }
  }

  call<K extends CommandName>(cmd: K, args: CommandArgs<K>): Promise<CommandResults[K]> {
    return this.handlers[cmd](args)
  }

  onEvent(listener: (event: LabEvent) => void): Unsubscribe {
    this.eventListeners.add(listener)
    return () => this.eventListeners.delete(listener)
  }

  onFrame(listener: Parameters<Host['onFrame']>[0]): Unsubscribe {
    return this.frames.subscribe(listener)
  }

  /** The host, its shell's processes, and the lab's watchdog (whose pid changes if it is restarted). */
  private get protectedPids(): Set<number> {
    return new Set([process.pid, ...this.shellPids(), ...this.supervisor.protectedPids])
  }

  /** Ends every lab process at once; for the host's own exit, where nothing async can run. */
  killAllNow(): void {
    this.supervisor.killAllNow()
  }

  dispose(): Promise<void> {
    this.disposed ??= (async () => {
      this.sampler.stop()
      await this.supervisor.dispose()
      this.frames.flush()
      // A write error was reported when it happened (recordingStopped); the run's outcome is not the log's.
      await this.recorder?.close().catch(() => {})
    })()
    return this.disposed
  }

  private readonly handlers: Handlers = {
    hello: async () => this.info,
    'scenarios.list': async () => SCENARIOS.map(scenarioInfo),
    'run.start': async (args) => this.userRun(args),
    'run.stop': async () => this.userStop(),
    // Pause the world (issue 17): run.paused and run.resumed are the record of it.
    'run.pause': async () => {
      try {
        return { paused: this.supervisor.pauseRun() }
      } catch (error) {
        throw new HostError('failed', `could not pause the run: ${errorInfo(error).message}`)
      }
    },
    'run.resume': async () => ({ resumed: this.supervisor.resumeRun() }),
    'run.step': async ({ lid }) => {
      const refused = this.supervisor.stepProcess(lid)
      return refused === null ? { stepping: true, refused: null } : { stepping: false, refused }
    },
    'run.snapshot': async () => {
      // Whatever frames are pending go out first: no frame sent after the snapshot overlaps it.
      this.frames.flush()
      return { runId: this.backlog.currentRunId, running: this.supervisor.currentRunId !== null, events: this.backlog.snapshot() }
    },
    'process.signal': async ({ pid, signal, tree }) => {
      if (tree) return this.signalTree(pid, signal)
      const record = this.supervisor.registry.liveByPid(pid)
      try {
        this.monitor.sendSignal(pid, signal, { protectedPids: this.protectedPids })
        this.supervisor.signalled(pid, signal)
        this.emit({ kind: 'user.kill', pid, lid: record?.lid ?? null, signal, ok: true, error: null }, record?.runId ?? null)
        return { pid, signal }
      } catch (error) {
        const info = errorInfo(error)
        this.emit({ kind: 'user.kill', pid, lid: record?.lid ?? null, signal, ok: false, error: info.message }, record?.runId ?? null)
        throw new HostError(info.code, info.message)
      }
    },
    'process.join': async ({ pid, timeoutMs }) => {
      const waited = await this.supervisor.waitForExit(pid, timeoutMs)
      if (!waited) throw new HostError('not-found', `pid ${pid} is not a running lab process; only lab processes can be joined`)
      const exitCode = waited.record.exit?.exitCode ?? null
      this.emit({ kind: 'user.join', pid, lid: waited.record.lid, exitCode, timedOut: waited.timedOut }, waited.record.runId)
      return { pid, exitCode, timedOut: waited.timedOut }
    },
    'monitor.list': async () => this.monitor.list(this.supervisor.registry.livePids(), { protectedPids: this.protectedPids }),
    'monitor.changes': async ({ since }) => this.monitor.changes(this.supervisor.registry.livePids(), since, { protectedPids: this.protectedPids }),
    'monitor.system': async () => this.monitor.system(),
    'monitor.details': async ({ pid }) => this.monitor.details(pid),
    'sessions.list': async () => {
      // What was recorded up to now (an export just done, a run's last events) is on disk before the
      // session being recorded is counted; a recording that stopped on a write error is listed as it is.
      await this.recorder?.flush().catch(() => {})
      return this.sessions.list()
    },
    'sessions.delete': async (args) => this.sessions.delete(args),
    'sessions.deleteMany': async (args) => this.sessions.deleteMany(args),
    'sessions.read': async (args) => this.sessions.read(args),
    'sessions.export': async (args) => this.sessions.export(args),
    'scenarios.source': async ({ id }) => {
      const scenario = findScenario(id)
      if (!scenario) throw new HostError('not-found', `No scenario '${id}'.`)
      return { id, file: scenario.file, source: await readFile(scenarioPath(scenario), 'utf8') }
    },
    'lab.scripts.list': async () => this.labScripts.list(),
    'lab.scripts.read': async ({ name }) => this.labScripts.read(name),
    'lab.scripts.save': async ({ name, source }) => this.labScripts.save(name, source),
  }

  /**
   * The session log could not be written: one line for whoever watches the host's terminal, and
   * an event for the UIs (the run's notices). The run goes on, unrecorded from here.
   */
  private recordingStopped({ file, error, started }: RecordingStop): void {
    // At start-up the supervisor is made after the log: no run then.
    const running = (this.supervisor as Supervisor | undefined)?.currentRunId ?? null
    const goesOn = running !== null ? 'the run goes on' : 'ProcLab goes on'
    this.info.recordingError = started
      ? `recording stopped: ${file}: ${error}; ${goesOn}, unrecorded from here`
      : `recording could not start: ${file}: ${error}; ${goesOn} without a session log`
    process.stderr.write(`proclab: ${this.info.recordingError}\n`)
    this.emit({ kind: 'session.stopped', file, error }, running)
  }

  /** run.start as the user asked for it: recorded with its result, refusals included. */
  private async userRun(args: CommandArgs<'run.start'>): Promise<{ runId: string }> {
    const source = 'scenario' in args ? `scenario:${args.scenario}` : 'labScript' in args ? `lab:${args.labScript}` : args.script
    try {
      const started = this.startRun(args, 'labScript' in args ? await this.labScripts.runnable(args.labScript) : null)
      this.emit({ kind: 'user.run', source, ok: true, error: null, startedRunId: started.runId }, started.runId)
      return started
    } catch (error) {
      this.emit({ kind: 'user.run', source, ok: false, error: errorInfo(error).message, startedRunId: null }, null)
      throw error
    }
  }

  private async userStop(): Promise<{ stopped: boolean }> {
    const runId = this.supervisor.currentRunId
    try {
      const stopped = await this.supervisor.stopRun()
      this.emit({ kind: 'user.stop', ok: true, stopped, error: null }, runId)
      return { stopped }
    } catch (error) {
      this.emit({ kind: 'user.stop', ok: false, stopped: false, error: errorInfo(error).message }, runId)
      throw error
    }
  }

  /** Kill tree: one user.kill event per process it reached, so the lab log shows each of its own. */
  private async signalTree(pid: number, signal: SignalName): Promise<CommandResults['process.signal']> {
    const records = new Map<number, ReturnType<Supervisor['registry']['liveByPid']>>()
    for (const p of this.supervisor.registry.livePids()) records.set(p, this.supervisor.registry.liveByPid(p))
    let outcomes: SignalOutcome[]
    try {
      outcomes = await this.monitor.signalTree(pid, signal, { protectedPids: this.protectedPids })
    } catch (error) {
      const info = errorInfo(error)
      this.emit({ kind: 'user.kill', pid, lid: records.get(pid)?.lid ?? null, signal, ok: false, error: info.message }, records.get(pid)?.runId ?? null)
      throw new HostError(info.code, info.message)
    }
    for (const o of outcomes) {
      const record = records.get(o.pid)
      if (o.ok) this.supervisor.signalled(o.pid, signal)
      this.emit({ kind: 'user.kill', pid: o.pid, lid: record?.lid ?? null, signal, ok: o.ok, error: o.error ?? null }, record?.runId ?? null)
    }
    return { pid, signal, tree: outcomes }
  }

  /** `labFile`: the checked path of a lab-folder script, when that is what args name. */
  private startRun(args: CommandArgs<'run.start'>, labFile: string | null): { runId: string } {
    if (this.disposed) throw new HostError('refused', 'the host is shutting down')
    if (this.supervisor.currentRunId) throw new HostError('busy', 'A run is in progress; stop it before starting another.')
    let script: string
    let title: string
    if ('scenario' in args) {
      const scenario = findScenario(args.scenario)
      if (!scenario) throw new HostError('not-found', `No scenario '${args.scenario}'. Known: ${SCENARIOS.map((s) => s.id).join(', ')}.`)
      script = scenarioPath(scenario)
      title = scenario.title.en
    } else if ('labScript' in args) {
      if (labFile === null) throw new HostError('internal', 'a lab script to run was not checked')
      script = labFile
      title = script
    } else {
      script = checkScriptPath(args.script)
      title = script
    }
    const runId = `r${++this.runCounter}`
    this.backlog.startRun(runId)
    const startedAt = monotonicMicros()
    this.emit({ kind: 'run.start', title, source: script }, runId, startedAt)
    this.sampler.start()
    void this.supervisor.startRun(runId, script, args.lang).then((outcome) => {
      this.sampler.stop()
      this.emit({ kind: 'run.end', ok: outcome.ok, error: outcome.error, durationUs: monotonicMicros() - startedAt, stopped: outcome.stopped, pausedUs: outcome.pausedUs }, runId)
    })
    return { runId }
  }

  private emit(body: EventBody, runId: string | null, at = monotonicMicros()): void {
    // `body` is always a fresh literal from the emitter: stamped in place rather than copied.
    const event = body as LabEvent
    event.seq = ++this.seq
    event.t = Math.max(0, at - this.startMicros)
    event.runId = runId
    this.backlog.push(event)
    this.recorder?.append(event)
    for (const listener of this.eventListeners) listener(event)
    this.frames.push(event)
  }
}
