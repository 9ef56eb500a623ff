// The host's side of the lab: starts a run's lab main, answers lab processes over the broker,
// keeps the registry, turns what it learns into events, and makes sure no lab process outlives
// its run or the host.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { Readable } from 'node:stream'
import { ITEMS_SHOWN, type EventBody, type PauseEnd } from '../../../src-shared/events'
import { LANGUAGE_ENV, type LabLanguage } from '../../../src-shared/language'
import { labExecutable, labNodeArgs, labPaths } from '../paths'
import { platform, processExists, type HostDeathGuard, type ProcessGroups } from '../../platform'
import { ENV, monotonicMicros, type Opening, type SpareGone, type SpareGrant, type SpawnGrant, type UpMessage } from '../protocol'
import { Broker, type ControlConnection, type ControlSession } from './broker'
import { LineSplitter } from './lines'
import { Registry, type ExitRecord, type LabProcessRecord } from './registry'
import { WaitBook } from './waits'
import { runProcesses } from './process-table'
import type { Call, Caller } from './objects/base'
import { ObjectTable } from './objects/table'
import { hasEnded, isStillProcess, osProcess, type OsProcess } from './os-process'
import { MAX_SPARES_PER_OWNER, SpareTable, type SpareRecord } from './spares'
import { OsChildren, type OsChild } from './os-children'
import { ProcessWatch, type WatchedProcess } from './process-watch'
import { PauseGate } from './pause-gate'
import { StepGates } from './step-gates'

export interface SupervisorOptions {
  maxProcesses: number
  /** Per-operation events of locks, queues and pipes (default on); off only to measure their cost. */
  telemetry?: boolean
  /** Receives every event the lab produces; `at` is the monotonic µs when it happened (runId null: between runs). */
  emit(body: EventBody, runId: string | null, at: number): void
}

export interface RunOutcome {
  ok: boolean
  /** Why it failed; null when it did not (a run the user stopped did not fail: see stopped). */
  error: string | null
  exitCode: number | null
  /** The user stopped it (run.stop, the host's exit): its processes were ended, not failed. */
  stopped: boolean
  /** µs the run spent paused (issue 17). */
  pausedUs: number
}

/** The process group a run's lab main leads, and the OS's way of reaching it. */
interface RunGroup {
  readonly id: number
  readonly groups: ProcessGroups
}

interface Run {
  id: string
  main: ChildProcess
  /**
   * The process group the lab main leads (POSIX): every lab process and every OS process they start
   * is in it unless it left on purpose. Null where the OS has no groups and when the main could not start.
   */
  group: RunGroup | null
  /** Every process ever found in the run, so one that left the group is still known after its parent ended. */
  found: Set<number>
  stopping: boolean
  mainError: string | null
  outcome: Promise<RunOutcome>
  ended: boolean
  /** Set while the user has the run paused (issue 17): when it began, and the pids stopped. */
  paused: { since: number; pids: number[] } | null
  /** Time the run spent paused, in µs, over all its pauses so far (its clock does not count it). */
  pausedUs: number
}

/**
 * A known exit waits for the process's stdout, stderr and control connection to close. One may
 * stay open (a raw child of the process inherited its stdout; it never connected): then the exit
 * is announced once nothing has arrived from the process for this long...
 */
const OUTPUT_GRACE_MS = 250
/** ...or, however much keeps arriving (a raw child that inherited the stream prints on), after this long. */
const MAX_OUTPUT_WAIT_MS = 10_000
/** Between SIGTERM and SIGKILL when a run is stopped. */
const STOP_GRACE_MS = 1000
/** How often a process killed while its run is paused is looked for in the OS's table (its parent, stopped, cannot report it). */
const DEATH_LOOK_MS = 20
/** Once the OS knows no process of a run, how long exits already on their way may take to arrive. */
const REPORT_GRACE_MS = OUTPUT_GRACE_MS + 100

export class Supervisor {
  readonly registry = new Registry()
  /** The warm start method's unused spares: admitted, never shown (see spares.ts). */
  private readonly spares = new SpareTable()
  private run: Run | null = null
  private broker!: Broker
  private readonly objects: ObjectTable
  /** Ends the runs' processes if the host dies without doing so itself. */
  private readonly guard: HostDeathGuard
  /** OS processes lab code started unreaped (spawnUnreaped), until they are gone. */
  private readonly osChildren = new OsChildren()
  /** Zombies and new parents of the current run's processes, as the OS shows them. */
  private readonly watch: ProcessWatch
  /** What lab processes are blocked on, as they report it (process.wait, process.resume). */
  private readonly waits: WaitBook
  private stuckCheckPending = false
  /** Where each lab process stops when stepped (step-gates.ts); null without shared memory. Made at the first run. */
  private stepGates: StepGates | null | undefined
  /** While a run is paused, what the broker is told and would tell is held here (see pause-gate.ts). */
  private readonly gate = new PauseGate((error) => this.options.emit({ kind: 'lab.error', message: `handling what was held during a pause failed: ${error instanceof Error ? error.message : String(error)}` }, this.currentRunId, monotonicMicros()))

  private constructor(private readonly options: SupervisorOptions) {
    const telemetry = options.telemetry ?? true
    this.objects = new ObjectTable({
      now: monotonicMicros,
      emit: (who, event, oid, at) => {
        const record = this.registry.get(who.lid)
        if (!telemetry || !record) return
        // Events are fresh literals: stamping them costs far less than spreading them into copies
        // (at 100,000s of events a second, object spread of many shapes was the host's hot spot).
        const body = event as EventBody & { lid: string; pid: number; object: string }
        body.lid = who.lid
        body.pid = who.pid
        body.object = oid
        const stamp = at ?? monotonicMicros()
        // Checked before any closure is made: this is the hot path of every lab operation.
        if (this.gate.holds(who.lid)) return this.gate.hold(() => this.options.emit(body, record.runId, this.gate.notBefore(stamp)), who.lid)
        this.options.emit(body, record.runId, stamp)
      },
      warn: (message, oid) => this.options.emit({ kind: 'lab.error', message }, this.runOfObject(oid), monotonicMicros()),
      deadlock: (event, oid) => {
        if (telemetry) this.gate.pass(() => this.options.emit(event, this.runOfObject(oid), monotonicMicros()))
      },
      processWithPid: (pid) => {
        const record = this.registry.liveByPid(pid)
        return record && record.pid !== null ? { lid: record.lid, pid: record.pid } : undefined
      },
    })
    this.waits = new WaitBook({
      now: monotonicMicros,
      emit: (lid, body, at) => {
        const record = this.registry.get(lid)
        if (!telemetry || !record) return
        if (this.gate.holds(lid)) return this.gate.hold(() => this.options.emit(body, record.runId, this.gate.notBefore(at)), lid)
        this.options.emit(body, record.runId, at)
      },
      objectKnown: (lid, oid) => this.objects.has(oid) && this.runOfObject(oid) === this.registry.get(lid)?.runId,
      senderless: (oid, lid) => this.objects.senderless(oid, lid),
      delivered: (oid) => this.objects.delivered(oid),
      processKnown: (from, lid) => {
        const target = this.registry.get(lid)
        return target !== undefined && target.runId === this.registry.get(from)?.runId
      },
    })
    this.guard = platform.lab.hostDeathGuard((message) => this.options.emit({ kind: 'lab.error', message }, this.currentRunId, monotonicMicros()))
    this.watch = new ProcessWatch(
      () => this.watchedProcesses(),
      (body) => this.options.emit(body, this.currentRunId, monotonicMicros()),
      (lid) => this.osChildGone(lid),
    )
  }

  static async create(options: SupervisorOptions): Promise<Supervisor> {
    const supervisor = new Supervisor(options)
    supervisor.broker = await Broker.listen({
      admit: (opening) => supervisor.admit(opening),
      control: (connection) => supervisor.attach(connection),
      stdio: (lid, stream, socket, firstBytes) => {
        const spare = supervisor.spares.get(lid)
        if (spare) return supervisor.spares.holdOutput(spare, stream, socket, firstBytes)
        const record = supervisor.registry.get(lid)
        if (!record) return void socket.destroy()
        supervisor.readOutput(record, stream, socket, firstBytes)
      },
      refused: (reason, lid) => supervisor.reportRefusal(reason, lid),
    })
    return supervisor
  }

  get currentRunId(): string | null {
    return this.run && !this.run.ended ? this.run.id : null
  }

  /** Processes of ProcLab's own that no user action may signal (the watchdog). */
  get protectedPids(): number[] {
    return this.guard.pid === null ? [] : [this.guard.pid]
  }

  /** Starts the lab main of a new run; resolves with the run's outcome when the whole run has ended. */
  startRun(runId: string, script: string, lang: LabLanguage = 'en'): Promise<RunOutcome> {
    if (this.currentRunId) throw new Error('a run is already in progress')
    const token = newToken()
    const executable = labExecutable()
    if (this.stepGates === undefined) this.stepGates = StepGates.create()
    this.stepGates?.reset()
    const main = spawn(executable.command, [...labNodeArgs(), labPaths().runtime], {
      // Its own process group (POSIX) or process group and no console (Windows), so a Ctrl-C in the
      // host's terminal reaches the host (which ends the run) rather than each lab process. POSIX:
      // the whole tree can then be ended with one signal. Windows: it is in no libuv job of the
      // host's, only in the run's job, which the guard makes below.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
      env: {
        ...process.env,
        [ENV.broker]: this.broker.path,
        [ENV.lid]: runId,
        [ENV.role]: 'main',
        [ENV.script]: script,
        [ENV.token]: token,
        ...(this.stepGates ? { [ENV.gate]: this.stepGates.env } : {}),
        // Set for every run, so a PROCLAB_LANG in the host's own environment never decides it.
        [LANGUAGE_ENV]: lang,
        ...executable.env,
      },
    })
    // The pid is known as soon as spawn returns: watched before the lab main runs any user code.
    const groups = platform.lab.groups
    const group = groups !== null && main.pid !== undefined ? { id: main.pid, groups } : null
    if (main.pid !== undefined) this.guard.watch(main.pid)
    const record = this.registry.add({ lid: runId, runId, name: 'MainProcess', daemon: false, target: 'main', parentLid: null, token, spec: null })
    // Its output comes through the pipes read here; no socket may add to it.
    record.stdioOpened = { stdout: true, stderr: true }
    this.readOutput(record, 'stdout', main.stdout as Readable, Buffer.alloc(0))
    this.readOutput(record, 'stderr', main.stderr as Readable, Buffer.alloc(0))
    const run: Run = { id: runId, main, group, found: new Set(), stopping: false, mainError: null, ended: false, paused: null, pausedUs: 0, outcome: Promise.resolve({ ok: false, error: null, exitCode: null, stopped: false, pausedUs: 0 }) }
    run.outcome = new Promise<RunOutcome>((resolve) => {
      main.once('error', (error) => {
        run.mainError = `could not start the lab main process: ${error.message}`
        record.openStreams = 0
        this.recordExit(record, { exitCode: null, signal: null, at: monotonicMicros() })
      })
      main.once('spawn', () => {
        record.pid = main.pid ?? null
        record.ppid = process.pid
        record.startTime = record.pid === null ? null : (osProcess(record.pid)?.startTime ?? null)
        record.state = 'alive'
        this.emit(record, { kind: 'process.start', lid: record.lid, pid: main.pid ?? 0, ppid: process.pid, name: record.name, daemon: false, parentLid: null, target: 'main' })
      })
      main.once('exit', (code, signal) => {
        this.recordExit(record, { ...platform.exits.fromNode(code, signal), at: monotonicMicros() })
      })
      record.onExit.push(() => void this.finishRun(run, record).then(resolve))
    })
    this.run = run
    this.watch.start()
    return run.outcome
  }

  /** Ends the current run's whole process tree. */
  async stopRun(): Promise<boolean> {
    const run = this.run
    if (!run || run.ended) return false
    run.stopping = true
    // Stopped processes would keep SIGTERM pending: the run goes on, to end.
    this.resumeRun('stop')
    await this.endTree(run)
    await run.outcome
    return true
  }

  /** A signal the UI sent to a process, which may be a lab process: what it ended of, if its exit cannot be reported. */
  signalled(pid: number, signal: NodeJS.Signals): void {
    const record = this.registry.liveByPid(pid)
    if (record) noteSignal(record, signal)
    if (record && this.run?.paused && record.runId === this.run.id) this.signalledWhilePaused(record, signal)
  }

  /**
   * Pauses the current run (issue 17): the gate closes first, so nothing that arrives from here on
   * is handled, then every process of the run is stopped by the OS. False when there is no run to
   * pause (none, ending, or paused already).
   */
  pauseRun(): boolean {
    const run = this.run
    if (!run || run.ended || run.stopping || run.paused) return false
    // Its lab main has ended: the run is ending (finishRun), nothing left to pause.
    const main = this.registry.get(run.id)
    if (!main || main.state === 'exited' || main.pendingExit) return false
    const pids = this.runPids(run)
    this.gate.close()
    try {
      platform.lab.pausing.pause(run.group?.id ?? null, pids)
    } catch (error) {
      this.gate.open(monotonicMicros())
      throw error
    }
    const since = monotonicMicros()
    run.paused = { since, pids }
    this.options.emit({ kind: 'run.paused', processes: pids.length }, run.id, since)
    this.showContents(run.id)
    return true
  }

  /**
   * Lets a paused run go on: run.resumed first, then what was held is handled in order (its events
   * follow), then the processes continue. False when the run is not paused.
   */
  resumeRun(reason: PauseEnd = 'user'): boolean {
    const run = this.run
    const paused = run?.paused
    if (!run || !paused) return false
    run.paused = null
    const at = monotonicMicros()
    const pausedUs = at - paused.since
    run.pausedUs += pausedUs
    // Emitted before the held work runs, so that its events come after it.
    this.options.emit({ kind: 'run.resumed', pausedUs, held: this.gate.heldCount, reason }, run.id, at)
    this.stepGates?.releaseAll()
    this.gate.open(at)
    // Every process found now too: one started just before the pause was not in the list yet.
    platform.lab.pausing.resume(run.group?.id ?? null, [...new Set([...paused.pids, ...this.runPids(run)])])
    return true
  }

  /**
   * Step (issue 17): while the run is paused, lets one of its lab processes run until it comes to
   * its next lab operation, where its gate stops it (step-gate.ts) and it says so ('at'). The
   * broker handles its messages meanwhile, what it held of them first. Null when it goes; else
   * why it cannot.
   */
  stepProcess(lid: string): string | null {
    const run = this.run
    if (!run?.paused) return 'the run is not paused'
    const record = this.registry.get(lid)
    if (!record || record.runId !== run.id || record.state !== 'alive' || record.pid === null || record.exit || record.pendingExit) return `${lid} is not a live process of this run`
    if (this.gate.steps(lid)) return `${record.name} is being stepped already`
    if (!this.stepGates) return 'stepping needs shared memory, which ProcLab does not have on this OS'
    if (!this.stepGates.step(record.pid)) return `${record.name} has no gate: the run started more processes than ProcLab can step`
    this.options.emit({ kind: 'run.step', lid, pid: record.pid }, run.id, monotonicMicros())
    this.gate.letThrough(lid)
    platform.lab.pausing.resume(null, [record.pid])
    return null
  }

  /** A stepped process stopped before a lab operation: it is stopped by the OS again, and its messages held. */
  private stoppedAt(from: LabProcessRecord, message: Extract<UpMessage, { op: 'at' }>): void {
    // Late (the run went on meanwhile) or unasked: there is nothing to stop.
    if (!this.run?.paused || !this.gate.steps(from.lid) || from.pid === null) return
    platform.lab.pausing.pause(null, [from.pid])
    this.gate.stopLetting(from.lid)
    this.options.emit({ kind: 'process.at', lid: from.lid, pid: from.pid, op: message.stepOp, object: message.object, line: message.line }, from.runId, monotonicMicros())
    this.showContents(from.runId)
  }

  /** While paused: what each queue and pipe holds (object.items), for the paused view. */
  private showContents(runId: string): void {
    const at = monotonicMicros()
    for (const { oid, contents } of this.objects.contents(ITEMS_SHOWN)) {
      if (this.runOfObject(oid) !== runId) continue
      for (const part of contents) this.options.emit({ kind: 'object.items', object: oid, ...part }, runId, at)
    }
  }

  /**
   * Kill works while paused: a catchable signal waits until the process runs, so that process alone
   * goes on to act on it (POSIX). Its death is then watched for here, since its parent, stopped,
   * cannot report it: once the OS shows it ended, its exit is announced (Join returns), while what
   * its death means for the broker (a lock abandoned, a waiter served) waits for the resume.
   */
  private signalledWhilePaused(record: LabProcessRecord, signal: NodeJS.Signals): void {
    if (record.pid === null || signal === 'SIGSTOP' || signal === 'SIGCONT') return
    const pid = record.pid
    if (platform.lab.pausing.needsContinueAfter(signal)) platform.lab.pausing.resume(null, [pid])
    // Where the OS cannot say (no identify: macOS), the exit comes with the resume, from its parent.
    if (!platform.lab.identify || record.parentLid === null) return
    const look = (): void => {
      if (record.exit || record.pendingExit || !this.run?.paused) return
      if (hasEnded(pid)) return this.recordExit(record, unreportedExit(record))
      setTimeout(look, DEATH_LOOK_MS)
    }
    look()
  }

  /** Every process of the run the host knows: its lab processes, the OS processes they started, those that left its group. */
  private runPids(run: Run): number[] {
    const table = run.group === null ? null : platform.lab.runTable()
    const members = table && run.group !== null ? runProcesses(run.group.id, run.found, table) : []
    for (const pid of members) run.found.add(pid)
    const lab = this.registry.live(run.id).flatMap((r) => (r.pid !== null && isStillProcess(r.pid, r.startTime) ? [r.pid] : []))
    const os = this.osChildren.ofRun(run.id).map((child) => child.pid)
    return [...new Set([...lab, ...os, ...members])]
  }

  /** Resolves when the lab process with this pid has exited (its exit event sent), or after timeoutMs. */
  waitForExit(pid: number, timeoutMs?: number): Promise<{ record: LabProcessRecord; timedOut: boolean } | null> {
    const record = this.registry.liveByPid(pid)
    if (!record) return Promise.resolve(null)
    return new Promise((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => resolve({ record, timedOut: true }), timeoutMs)
      record.onExit.push(() => {
        clearTimeout(timer)
        resolve({ record, timedOut: false })
      })
    })
  }

  /** Kills everything at once, synchronously: for the host's own exit. */
  killAllNow(): void {
    this.spares.killWhere(() => true)
    this.signalTree(this.registry.live(), 'SIGKILL')
    if (this.run && !this.run.ended) this.signalRun(this.run, 'SIGKILL')
  }

  async dispose(): Promise<void> {
    if (this.run && !this.run.ended) await this.stopRun()
    this.killAllNow()
    this.guard.close()
    await this.broker.close()
    this.stepGates?.close()
    this.stepGates = null
  }

  /**
   * Whether an opening may go on: it must carry the token made for its lab process, which must not
   * have ended; a control connection comes once per process, from the pid the host knows (if it
   * knows it yet); each output socket once.
   */
  private admit(opening: Opening): string | null {
    const spare = this.spares.get(opening.lid)
    if (spare) return this.admitSpare(spare, opening)
    if (this.spares.endedUnused(opening.lid)) return SILENT_REFUSAL
    const record = this.registry.get(opening.lid)
    if (!record || record.state === 'exited' || !sameToken(record.token, opening.token)) {
      return `a connection to the lab socket was refused: it did not carry the token of a running lab process (it claimed to be ${quote(opening.lid)})`
    }
    switch (opening.op) {
      case 'control':
        if (record.connection || record.disconnected) return `a second control connection for ${record.name} (${record.lid}) was refused`
        if (record.pid !== null && record.pid !== opening.pid) return `a control connection for ${record.name} (${record.lid}) was refused: it claimed pid ${opening.pid}, but that process is pid ${record.pid}`
        return null
      case 'stdio':
        if (record.stdioOpened[opening.stream]) return `a second ${opening.stream} connection for ${record.name} (${record.lid}) was refused`
        record.stdioOpened[opening.stream] = true
        return null
      case 'down':
        return record.disconnected ? `a down connection for ${record.name} (${record.lid}), which has ended its control connection, was refused` : null
    }
  }

  /** A spare's openings: its token, each once, and (where the OS can say) its parent is its owner. */
  private admitSpare(spare: SpareRecord, opening: Opening): string | null {
    if (spare.gone || !sameToken(spare.token, opening.token)) return `a connection to the lab socket was refused: it did not carry the token of a running lab process (it claimed to be ${quote(opening.lid)})`
    switch (opening.op) {
      case 'control': {
        if (spare.connection) return `a second control connection for spare ${spare.id} was refused`
        const owner = this.registry.get(spare.ownerLid)
        const os = osProcess(opening.pid)
        if (os && owner?.pid != null && os.ppid !== owner.pid) return `a control connection for spare ${spare.id} was refused: pid ${opening.pid}'s parent is pid ${os.ppid}, not its owner's ${owner.pid}`
        spare.pid = opening.pid
        spare.startTime = os?.startTime ?? null
        return null
      }
      case 'stdio':
        return spare.output[opening.stream] ? `a second ${opening.stream} connection for spare ${spare.id} was refused` : null
      case 'down':
        if (spare.down) return `a second down connection for spare ${spare.id} was refused`
        spare.down = true
        // After the broker has attached it (it does so once this returns).
        queueMicrotask(() => this.spares.checkReady(spare))
        return null
    }
  }

  private attach(connection: ControlConnection): ControlSession {
    const spare = this.spares.get(connection.lid)
    if (spare) return this.attachSpare(spare, connection)
    // Admitted just before: the record exists and has no connection yet.
    return this.serve(this.registry.get(connection.lid)!, connection)
  }

  /**
   * An unused spare may say one thing: its spec request, answered when it is handed a target.
   * From then on its messages are the new lab process's (see handToSpare).
   */
  private attachSpare(spare: SpareRecord, connection: ControlConnection): ControlSession {
    spare.connection = connection
    this.spares.checkReady(spare)
    return {
      message: (message) => {
        if (spare.session) return spare.session.message(message)
        if (message.op === 'spec' && spare.specRid === null) return void (spare.specRid = message.rid)
        this.reportRefusal(`spare ${spare.id} sent '${message.op}' before it was handed a target; it was ended`, spare.ownerLid)
        this.spares.killWhere((other) => other === spare)
      },
      closed: () => (spare.session ? spare.session.closed() : this.spares.gone(spare)),
    }
  }

  private serve(record: LabProcessRecord, connection: ControlConnection): ControlSession {
    record.connection = connection
    const caller: Caller = { lid: record.lid, pid: connection.pid, push: (oid, method, args) => connection.send({ op: 'push', oid, method, args }) }
    // A parent's report of a child's exit can be read before the last messages the child sent on
    // its own connection: two sockets, read in any order by a busy host. What the parent does next
    // may rest on them (main puts the stop signs once its producers' last buns are in), so its
    // later messages wait until the child's connection has been read to its end.
    let held: UpMessage[] | null = null
    let closedWhileHeld = false
    const handle = (message: UpMessage): void => {
      record.activity++
      this.receive(record, connection, caller, message)
      if (message.op !== 'exited') return
      const child = this.childOf(record, message.lid)
      if (child?.connection) {
        held = []
        this.afterDisconnect(child, release)
      }
    }
    const release = (): void => {
      const waiting = held ?? []
      held = null
      while (waiting.length > 0 && held === null) {
        const message = waiting.shift()!
        try {
          handle(message)
        } catch (error) {
          // Outside the broker's read, which would otherwise catch this: do as it does.
          this.reportRefusal(`lab process ${record.lid}: handling its '${message.op}' message failed: ${error instanceof Error ? error.message : String(error)}`, record.lid)
          connection.destroy()
        }
      }
      if (held !== null) (held as UpMessage[]).unshift(...waiting)
      else if (closedWhileHeld) closed()
    }
    const take = (message: UpMessage): void => {
      if (held !== null) held.push(message)
      else handle(message)
    }
    const closed = (): void => {
      if (held !== null) return void (closedWhileHeld = true)
      record.connection = null
      record.disconnected = true
      // Its unused spare ends with it (if it ended itself, it killed the spare already).
      this.spares.killWhere((spare) => spare.ownerLid === record.lid)
      this.objects.processGone(record.lid, connection.pid)
      this.waits.processGone(record.lid)
      this.checkStuckSoon()
      this.streamClosed(record)
      // Exit codes come from the parent, which waits on the child. A parent that ended first
      // will never report: its children's exits are unknown (an orphan's, say), unless ProcLab
      // ended them, with the signal it sent (see unreportedExit).
      if (!this.parentCanReport(record)) this.recordExit(record, unreportedExit(record))
      for (const child of this.registry.childrenOf(record.lid)) {
        if (child.disconnected && child.state === 'alive') this.recordExit(child, unreportedExit(child))
      }
      for (const listener of record.onDisconnect.splice(0)) listener()
    }
    return {
      // While the run is paused, the gate holds both, in the order they came (issue 17).
      message: (message: UpMessage) => {
        if (this.gate.holds(record.lid)) return this.gate.hold(() => take(message), record.lid)
        take(message)
      },
      closed: () => {
        // A process that ends while stepped: its step is over.
        this.gate.pass(() => {
          this.gate.stopLetting(record.lid)
          closed()
        }, record.lid)
      },
    }
  }

  /** Runs `then` once the process's control connection has been read to its end (at most a second later). */
  private afterDisconnect(record: LabProcessRecord, then: () => void): void {
    let done = false
    const once = (): void => {
      if (done) return
      done = true
      clearTimeout(timer)
      then()
    }
    // Its connection closes when the process has ended, which its parent just reported: a
    // second is far more than reading what is left takes, and a stuck read must not hold the parent.
    const timer = setTimeout(once, 1000)
    record.onDisconnect.push(once)
  }

  /** A refused connection or message, as a lab.error of the run it claimed to belong to (or the current one). */
  private reportRefusal(reason: string, lid: string | null): void {
    const runId = (lid === null ? undefined : this.registry.get(lid)?.runId) ?? this.currentRunId
    this.options.emit({ kind: 'lab.error', message: reason }, runId, monotonicMicros())
  }

  /** Object ids start with the lid of the process that made them, which starts with the run id. */
  /** Looks for stuck pipe readers once the messages at hand are handled (a close and its process's exit come together). */
  private checkStuckSoon(): void {
    if (this.stuckCheckPending) return
    this.stuckCheckPending = true
    setImmediate(() => {
      this.stuckCheckPending = false
      this.waits.checkStuck()
    })
  }

  private runOfObject(oid: string): string {
    return oid.split(/[./]/)[0] ?? ''
  }

  /** The lab main is reported by the host itself; a child by its parent while that is running. */
  private parentCanReport(record: LabProcessRecord): boolean {
    if (record.parentLid === null) return true
    const parent = this.registry.get(record.parentLid)
    return parent !== undefined && parent.connection !== null && parent.state !== 'exited'
  }

  private receive(from: LabProcessRecord, connection: ControlConnection, caller: Caller, message: UpMessage): void {
    switch (message.op) {
      case 'call':
        return this.objects.call(message.oid, message.method, message.args, this.callFor(caller, connection, message.rid))
      case 'tell':
        // A pipe end closed may leave a reader with nobody to send to it (issue 17).
        if (message.method === 'close') this.checkStuckSoon()
        return this.objects.tell(message.oid, message.method, message.args, caller)
      case 'create': {
        const made = this.objects.create(caller, message.oid, message.type, message.name, message.options ?? {})
        if ('error' in made) return this.options.emit({ kind: 'lab.error', message: `${from.name}: ${made.error}` }, from.runId, monotonicMicros())
        return this.options.emit(
          { kind: 'object.create', lid: from.lid, pid: caller.pid, object: message.oid, type: message.type, name: message.name, capacity: made.capacity },
          from.runId,
          monotonicMicros(),
        )
      }
      case 'spec': {
        const spec = from.spec
        from.spec = null
        connection.send(spec ? { op: 'reply', rid: message.rid, ok: true, value: spec } : { op: 'reply', rid: message.rid, ok: false, error: 'no spec waiting for this process' })
        return
      }
      case 'spare': {
        if (this.spares.ownedBy(from.lid) >= MAX_SPARES_PER_OWNER) {
          return connection.send({ op: 'reply', rid: message.rid, ok: false, error: `${from.name} has ${MAX_SPARES_PER_OWNER} unused spares already` })
        }
        const spare = this.spares.add({ ownerLid: from.lid, runId: from.runId, token: newToken() })
        return connection.send({ op: 'reply', rid: message.rid, ok: true, value: { id: spare.id, token: spare.token } satisfies SpareGrant })
      }
      case 'spawn': {
        const refusal = this.refuseSpawn(from, message.lid)
        if (refusal) {
          this.options.emit({ kind: 'lab.error', message: refusal }, from.runId, monotonicMicros())
          return connection.send({ op: 'reply', rid: message.rid, ok: false, error: refusal })
        }
        if (message.spare !== undefined) return this.handToSpare(from, connection, message)
        const token = newToken()
        this.registry.add({ lid: message.lid, runId: from.runId, name: message.name, daemon: message.daemon, target: message.target, parentLid: from.lid, token, spec: message.spec })
        // Shared objects passed as arguments are held by the child from now on (a pipe end's holders decide EOF).
        this.objects.hold(message.lid, message.holds)
        // The parent passes the token on to the child, which presents it in its openings.
        return connection.send({ op: 'reply', rid: message.rid, ok: true, value: { token } })
      }
      case 'spawned': {
        const child = this.childOf(from, message.lid)
        if (!child || child.state !== 'spawning') return this.refuse(from, `reported the start of ${quote(message.lid)}, which it was not starting`)
        const parentPid = from.pid ?? connection.pid
        const os = osProcess(message.pid)
        if (os && !this.isChildOf(os, parentPid, child.runId)) {
          return this.refuse(from, `reported pid ${message.pid} for ${child.name}, but that process's parent is pid ${os.ppid}, not ${parentPid}`)
        }
        child.pid = message.pid
        child.ppid = parentPid
        // A child already gone (and reaped) has no start time: nothing will be sent to its pid.
        child.startTime = os?.startTime ?? null
        child.state = 'alive'
        if (child.connection && child.connection.pid !== message.pid) {
          this.refuse(child, `connected as pid ${child.connection.pid}, but its parent started it as pid ${message.pid}`)
          child.connection.destroy()
        }
        this.options.emit(
          { kind: 'process.start', lid: child.lid, pid: message.pid, ppid: parentPid, name: child.name, daemon: child.daemon, parentLid: from.lid, target: child.target },
          child.runId,
          // A lab process's clock is the host's (one machine); a time after now is not one.
          Math.min(message.at, monotonicMicros()),
        )
        return
      }
      case 'spawn-failed': {
        const child = this.childOf(from, message.lid)
        if (!child || child.state !== 'spawning') return this.refuse(from, `reported that ${quote(message.lid)} failed to start, but it was not starting it`)
        child.openStreams = 0
        this.objects.processGone(child.lid, 0)
        this.waits.processGone(child.lid)
        this.options.emit({ kind: 'lab.error', message: `could not start ${child.name}: ${message.error}` }, child.runId, monotonicMicros())
        return this.recordExit(child, { exitCode: null, signal: null, at: monotonicMicros() })
      }
      case 'exited': {
        const child = this.childOf(from, message.lid)
        if (!child) return this.refuse(from, `reported the exit of ${quote(message.lid)}, which is not its child`)
        // A parent reports an exit once it has reaped the child: a pid that still names it is a false report.
        if (child.pid !== null && child.startTime !== null && isStillProcess(child.pid, child.startTime)) {
          return this.refuse(from, `reported the exit of ${child.name}, but pid ${child.pid} is still running`)
        }
        // A child that died before it connected (terminated while starting) never closes a connection,
        // which is where what it holds is let go: let go now, so a pipe end it held reaches EOF.
        if (!child.connection && !child.disconnected) {
          this.objects.processGone(child.lid, child.pid ?? 0)
          this.waits.processGone(child.lid)
        }
        this.recordExit(child, { exitCode: message.exitCode, signal: message.signal, at: Math.min(message.at, monotonicMicros()) })
        return
      }
      case 'main-error':
        if (this.run && from.lid === this.run.id) this.run.mainError = message.message
        return
      case 'os-spawned':
        return this.osSpawned(from, connection, message)
      case 'os-reaped':
        return this.osReaped(from, message)
      case 'at':
        return this.stoppedAt(from, message)
      case 'wait':
      case 'resume': {
        const problem = this.waits.receive(from.lid, from.pid ?? connection.pid, message)
        if (problem) this.refuse(from, problem)
        else if (message.op === 'wait' && message.on === 'pipe.recv') this.checkStuckSoon()
        return
      }
    }
  }

  /** A lab process started an OS process it will reap itself: the OS must agree it is its child. */
  private osSpawned(from: LabProcessRecord, connection: ControlConnection, message: Extract<UpMessage, { op: 'os-spawned' }>): void {
    const parentPid = from.pid ?? connection.pid
    const os = osProcess(message.pid)
    if (os && os.ppid !== parentPid) return this.refuse(from, `reported pid ${message.pid} as a process it started, but that process's parent is pid ${os.ppid}`)
    if (this.osChildren.find(from.lid, message.pid)) return this.refuse(from, `reported pid ${message.pid} twice`)
    const child = this.osChildren.add({ pid: message.pid, runId: from.runId, parentLid: from.lid, ppid: parentPid, startTime: os?.startTime ?? null })
    const at = Math.min(message.at, monotonicMicros())
    this.options.emit({ kind: 'os.start', lid: child.lid, pid: child.pid, ppid: parentPid, parentLid: from.lid, command: message.command.slice(0, 200) }, child.runId, at)
  }

  /** Its parent reaped it: a pid that still names it is a false report. */
  private osReaped(from: LabProcessRecord, message: Extract<UpMessage, { op: 'os-reaped' }>): void {
    const child = this.osChildren.find(from.lid, message.pid)
    if (!child) return this.refuse(from, `reported that it reaped pid ${message.pid}, which it had not reported starting`)
    if (child.startTime !== null && isStillProcess(child.pid, child.startTime)) return this.refuse(from, `reported that it reaped pid ${message.pid}, which is still running`)
    this.endOsChild(child, { exitCode: message.exitCode, signal: message.signal, reapedBy: 'parent' }, Math.min(message.at, monotonicMicros()))
  }

  /** The watch found an OS child gone: news only once its parent can no longer report the reaping. */
  private osChildGone(lid: string): void {
    const child = this.run ? this.osChildren.ofRun(this.run.id).find((c) => c.lid === lid) : undefined
    const parent = child && this.registry.get(child.parentLid)
    if (child && (!parent || parent.state === 'exited')) this.endOsChild(child, { exitCode: null, signal: null, reapedBy: 'other' })
  }

  private endOsChild(child: OsChild, exit: { exitCode: number | null; signal: string | null; reapedBy: 'parent' | 'other' }, at = monotonicMicros()): void {
    this.osChildren.remove(child)
    this.options.emit({ kind: 'os.exit', lid: child.lid, pid: child.pid, ...exit }, child.runId, at)
  }

  /** The current run's live lab processes and OS children, for the watch. */
  private watchedProcesses(): WatchedProcess[] {
    const run = this.run
    // Once the run is being ended (a stop, or its main has exited), parents die before their
    // children by the dozen: those are the run's end, not orphans worth a line each.
    const main = run ? this.registry.get(run.id) : undefined
    if (!run || run.ended || run.stopping || !main || main.pendingExit || main.state === 'exited') return []
    const live = this.registry.live(run.id)
    const listed = new Set(live.flatMap((r) => (r.pid === null ? [] : [r.pid])))
    const lab = live.flatMap((r) => (r.pid === null || r.ppid === null ? [] : [{ lid: r.lid, pid: r.pid, ppid: r.ppid, startTime: r.startTime, parentListed: listed.has(r.ppid) }]))
    return [...lab, ...this.osChildren.ofRun(run.id)]
  }

  /**
   * Turns the owner's spare into the lab process `message` describes, once the spare is connected:
   * a record like a spawned child's, already alive at the spare's pid (checked when it connected),
   * its output sockets and control connection carried over, its spec request answered. Its
   * process.start is emitted here, before anything the new process sends is handled. A spare that
   * ended first is answered with SpareGone: the owner then starts the child cold.
   */
  private handToSpare(from: LabProcessRecord, connection: ControlConnection, message: Extract<UpMessage, { op: 'spawn' }>): void {
    const spare = typeof message.spare === 'string' ? this.spares.get(message.spare) : undefined
    const gone = (): void => connection.send({ op: 'reply', rid: message.rid, ok: true, value: { spareGone: true } satisfies SpareGone })
    if (!spare || spare.ownerLid !== from.lid) return gone()
    this.spares.whenReady(spare, (ready) => {
      // The owner may have ended while it waited; the cap may have been reached.
      if (!ready || from.state === 'exited' || from.disconnected || this.refuseSpawn(from, message.lid) !== null) return gone()
      this.spares.adopted(spare)
      const record = this.registry.add({ lid: message.lid, runId: from.runId, name: message.name, daemon: message.daemon, target: message.target, parentLid: from.lid, token: spare.token, spec: message.spec })
      this.objects.hold(message.lid, message.holds)
      record.pid = spare.pid
      record.ppid = from.pid ?? connection.pid
      record.startTime = spare.startTime
      record.state = 'alive'
      record.stdioOpened = { stdout: true, stderr: true }
      for (const stream of ['stdout', 'stderr'] as const) {
        const { socket, firstBytes } = this.spares.takeOutput(spare, stream)
        this.readOutput(record, stream, socket, firstBytes)
      }
      this.options.emit(
        { kind: 'process.start', lid: record.lid, pid: record.pid!, ppid: record.ppid, name: record.name, daemon: record.daemon, parentLid: from.lid, target: record.target },
        record.runId,
        monotonicMicros(),
      )
      spare.session = this.serve(record, spare.connection!)
      if (spare.specRid !== null) spare.session.message({ op: 'spec', rid: spare.specRid })
      connection.send({ op: 'reply', rid: message.rid, ok: true, value: { token: spare.token, pid: record.pid! } satisfies SpawnGrant })
    })
  }

  /**
   * Whether the OS agrees that `child` was started by `parentPid`: its parent is that pid, or that
   * parent has already ended (a parent that exits at once leaves an orphan, which the OS hands to
   * another parent) and it is still in its run's process group.
   */
  private isChildOf(child: OsProcess, parentPid: number, runId: string): boolean {
    if (child.ppid === parentPid) return true
    const runGroup = this.registry.get(runId)?.pid
    return runGroup !== null && runGroup !== undefined && child.pgrp === runGroup && hasEnded(parentPid)
  }

  /** A message that was well formed but not true (about a process that is not its child, say): refused and reported. */
  private refuse(from: LabProcessRecord, what: string): void {
    this.options.emit({ kind: 'lab.error', message: `${from.name} (${from.lid}) ${what}; refused` }, from.runId, monotonicMicros())
  }

  private callFor(caller: Caller, connection: ControlConnection, rid: number): Call {
    let answered = false
    return {
      caller,
      reply: (value) => {
        if (answered) return
        answered = true
        connection.send({ op: 'reply', rid, ok: true, value })
      },
      fail: (errorName, error) => {
        if (answered) return
        answered = true
        connection.send({ op: 'reply', rid, ok: false, error, errorName })
      },
    }
  }

  private refuseSpawn(parent: LabProcessRecord, lid: string): string | null {
    if (!new RegExp(`^${escapeRegExp(parent.lid)}\\.\\d+$`).test(lid) || this.registry.get(lid)) return `bad process id '${lid}'`
    const live = this.registry.live(parent.runId).length
    if (live >= this.options.maxProcesses) {
      return `too many lab processes: ${live} are alive and the limit is ${this.options.maxProcesses}. The limit guards the machine against a runaway loop; raise it with --max-processes if you mean it.`
    }
    return null
  }

  /** Only a process's own parent may speak about it. */
  private childOf(parent: LabProcessRecord, lid: string): LabProcessRecord | undefined {
    const child = this.registry.get(lid)
    return child && child.parentLid === parent.lid ? child : undefined
  }

  private readOutput(record: LabProcessRecord, stream: 'stdout' | 'stderr', source: Readable, firstBytes: Buffer): void {
    const splitter = new LineSplitter((line) => this.emit(record, { kind: stream, lid: record.lid, pid: record.pid ?? 0, line }))
    if (firstBytes.length) splitter.push(firstBytes)
    source.on('data', (chunk: Buffer) => {
      record.activity++
      splitter.push(chunk)
    })
    source.on('error', () => undefined)
    source.once('close', () => {
      splitter.end()
      this.streamClosed(record)
    })
  }

  /** One of the process's stdout, stderr and control connection has closed (all it sent was read). */
  private streamClosed(record: LabProcessRecord): void {
    record.openStreams = Math.max(0, record.openStreams - 1)
    if (record.openStreams === 0 && record.pendingExit) this.announceExit(record)
  }

  private recordExit(record: LabProcessRecord, exit: NonNullable<LabProcessRecord['exit']>): void {
    if (record.exit || record.pendingExit) return
    record.pendingExit = exit
    if (record.openStreams === 0) return this.announceExit(record)
    this.announceWhenQuiet(record)
  }

  /**
   * For an exit whose streams do not all close: announce it once the process has been quiet for
   * OUTPUT_GRACE_MS. Each check runs after an I/O poll (setImmediate), because on a busy host a
   * timer can fall due while the process's last bytes already wait in the kernel: they are read
   * first, count as activity, and the exit waits for them rather than overtaking them.
   */
  private announceWhenQuiet(record: LabProcessRecord): void {
    const since = Date.now()
    let seen = record.activity
    const check = (): void => {
      if (record.exit) return
      if (record.activity !== seen && Date.now() - since < MAX_OUTPUT_WAIT_MS) {
        seen = record.activity
        return void setTimeout(() => setImmediate(check), OUTPUT_GRACE_MS)
      }
      this.announceExit(record)
    }
    setTimeout(() => setImmediate(check), OUTPUT_GRACE_MS)
  }

  private announceExit(record: LabProcessRecord): void {
    const exit = record.pendingExit
    if (!exit || record.exit) return
    record.exit = exit
    record.pendingExit = null
    record.state = 'exited'
    this.emit(record, { kind: 'process.exit', lid: record.lid, pid: record.pid ?? 0, exitCode: exit.exitCode, signal: exit.signal }, exit.at)
    for (const listener of record.onExit.splice(0)) listener()
  }

  private async finishRun(run: Run, main: LabProcessRecord): Promise<RunOutcome> {
    // Its lab main ended while the run was paused (killed): the rest goes on, to be ended.
    this.resumeRun('end')
    // Orphans, leftovers and the OS processes lab code started do not outlive the run.
    if (!this.runGone(run)) await this.endTree(run)
    if (run.main.pid !== undefined) this.guard.unwatch(run.main.pid)
    // The run's OS processes went with it; whoever reaped them, their parents cannot report it now.
    for (const child of this.osChildren.ofRun(run.id)) this.endOsChild(child, { exitCode: null, signal: null, reapedBy: 'other' })
    this.watch.stop()
    // Never left paused: the gate is the supervisor's, and the next run needs it open.
    this.resumeRun('end')
    run.ended = true
    this.spares.killWhere((spare) => spare.runId === run.id)
    this.spares.forgetRun(run.id)
    this.objects.dropRun(run.id)
    const exitCode = main.exit?.exitCode ?? null
    // A stop is not a failure: each process's own end (the signal that ended it) tells the rest.
    if (run.stopping) return { ok: false, error: null, exitCode, stopped: true, pausedUs: run.pausedUs }
    const ok = exitCode === 0
    const error = run.mainError ?? (ok ? null : `the lab main process exited with code ${String(exitCode)}`)
    return { ok, error, exitCode, stopped: false, pausedUs: run.pausedUs }
  }

  private async endTree(run: Run): Promise<void> {
    this.signalRun(run, 'SIGTERM')
    if (!(await this.settled(run, STOP_GRACE_MS))) {
      this.signalRun(run, 'SIGKILL')
      await this.settled(run, STOP_GRACE_MS * 2)
    }
    // Whatever is still listed never reported back (a child killed before it reached the broker,
    // whose parent died with it); say so rather than wait forever.
    for (const record of this.registry.live(run.id)) {
      record.openStreams = 0
      if (record.pendingExit) this.announceExit(record)
      else this.recordExit(record, unreportedExit(record))
    }
  }

  /**
   * Signals the run's lab processes, its process group (which holds the OS processes lab code
   * started, after their lab parent has ended too) and whatever left the group below a member.
   */
  private signalRun(run: Run, signal: NodeJS.Signals): void {
    // Look before signalling: a process that left the group is found below its parent only while
    // that parent lives, and the signal may end the parent first.
    const table = run.group === null ? null : platform.lab.runTable()
    const members = table && run.group !== null ? runProcesses(run.group.id, run.found, table) : []
    for (const pid of members) run.found.add(pid)
    this.signalTree(this.registry.live(run.id), signal)
    if (run.group === null) return
    run.group.groups.signal(run.group.id, signal)
    for (const pid of members) platform.signals.sendIfThere(pid, signal)
  }

  /** No lab process of the run is listed as running, and the OS knows no live process of it either. */
  private runGone(run: Run): boolean {
    return this.registry.live(run.id).length === 0 && (run.group === null || this.osSaysGone(run))
  }

  /** The OS knows no live process of the run's group, nor of what was found to have left it. */
  private osSaysGone(run: Run): boolean {
    if (run.group === null) return false // cannot tell
    // The cheap answer first: no member at all, zombie or not, and nothing found earlier is left.
    if (!run.group.groups.exists(run.group.id) && ![...run.found].some(processExists)) return true
    const table = platform.lab.runTable()
    return table !== null && runProcesses(run.group.id, run.found, table).length === 0
  }

  private signalTree(records: LabProcessRecord[], signal: NodeJS.Signals): void {
    // Never a pid that has since been given to another process. Noted before anything is sent: the
    // group's signal may end a process before its own turn comes here.
    const targets = records.filter((record) => record.pid !== null && isStillProcess(record.pid, record.startTime))
    for (const record of targets) noteSignal(record, signal)
    // The lab main leads a process group (POSIX) or job (Windows) holding every descendant that did not leave it.
    for (const record of records) if (record.parentLid === null && record.pid !== null) platform.lab.groups?.signal(record.pid, signal)
    for (const record of targets) platform.signals.sendIfThere(record.pid!, signal)
  }

  /**
   * Waits until the run is gone, or until the OS has shown no live process of the run for
   * REPORT_GRACE_MS (what the registry still lists then will never report), or for timeoutMs.
   */
  private async settled(run: Run, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    let emptySince: number | null = null
    for (;;) {
      const listed = this.registry.live(run.id).length > 0
      const osGone = run.group === null ? !listed : this.osSaysGone(run)
      if (osGone && !listed) return true
      if (osGone) emptySince ??= Date.now()
      if (emptySince !== null && Date.now() - emptySince >= REPORT_GRACE_MS) return true
      if (Date.now() >= deadline) return false
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  private emit(record: LabProcessRecord, body: EventBody, at = monotonicMicros()): void {
    this.options.emit(body, record.runId, at)
  }
}

/** What admit answers for a socket of a spare that ended unused: closed, not reported (see SpareTable.ended). */
const SILENT_REFUSAL = ''

/** Signals that pause or resume a process are not what it ended of. */
function noteSignal(record: LabProcessRecord, signal: NodeJS.Signals): void {
  if (signal !== 'SIGSTOP' && signal !== 'SIGCONT') record.endedBy = signal
}

/**
 * The exit of a process whose parent cannot report it (the parent ended first, as when a whole
 * run is stopped at once): the signal ProcLab ended it with, as its parent would have reported
 * it, or unknown when ProcLab sent none.
 */
function unreportedExit(record: LabProcessRecord): ExitRecord {
  const at = monotonicMicros()
  const number = record.endedBy === null ? null : platform.exits.signalNumber(record.endedBy)
  return number === null ? { exitCode: null, signal: null, at } : { exitCode: -number, signal: record.endedBy, at }
}

/** A secret for one lab process: 256 random bits. */
function newToken(): string {
  return randomBytes(32).toString('base64url')
}

function sameToken(known: string, presented: string): boolean {
  const a = Buffer.from(known)
  const b = Buffer.from(presented)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** A name a connection made up, for a message: quoted, and cut if long. */
function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text)
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
