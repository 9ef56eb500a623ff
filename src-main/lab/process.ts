// Process: Python's multiprocessing.Process over real OS processes. The same class stands for a
// child seen from its parent (start/join/terminate) and, inside the child, for the process itself
// (currentProcess()), as in Python.
import { labContext, type LabContext } from './context'
import { ProcessError } from './errors'
import { launchChild, type ExitStatus } from './launcher'
import type { ChildSpec, TargetRef } from './protocol'
import { watchWait } from './waits'
import { WAIT_REPORT_MS } from '../../src-shared/events'
import { checkMethod, getStartMethod, launchWarm, type StartMethod } from './warm'
import { encodePayload, notExportedMessage, startedWhileImportingMessage, targetRefFor, type ModuleTarget } from './reduction'

export type Target = ((...args: never[]) => unknown) | ModuleTarget

export interface ProcessOptions {
  /** An exported function of the lab script, or `{ module, export }` naming one elsewhere. */
  target?: Target
  args?: unknown[]
  name?: string
  daemon?: boolean
  /** How this process is started: 'spawn' or 'warm' (see setStartMethod); by default the process-wide method. */
  startMethod?: StartMethod
}

type Phase = 'initial' | 'started' | 'closed'

interface ProcessState {
  phase: Phase
  /** True for the object that stands for the current process itself. */
  self: boolean
  name: string
  daemon: boolean
  identity: number[]
  /** Null: the process-wide method at start(). */
  startMethod: StartMethod | null
  target: Target | null
  args: unknown[]
  pid: number | null
  exitCode: number | null
  /** Settles once the child has been spawned (or failed to). */
  spawned: Promise<void> | null
  exited: Promise<ExitStatus> | null
  kill: ((signal: NodeJS.Signals) => void) | null
}

const STATE = Symbol('proclab.process')

export class Process {
  declare [STATE]: ProcessState

  constructor(options: ProcessOptions = {}) {
    checkOptions(options)
    const context = labContext()
    const identity = [...context.identity, context.nextChildNumber++]
    Object.defineProperty(this, STATE, {
      enumerable: false,
      value: {
        phase: 'initial',
        self: false,
        name: options.name ?? `Process-${identity.join(':')}`,
        daemon: options.daemon ?? context.self.daemon,
        identity,
        startMethod: options.startMethod ?? null,
        target: options.target ?? null,
        args: options.args ?? [],
        pid: null,
        exitCode: null,
        spawned: null,
        exited: null,
        kill: null,
      } satisfies ProcessState,
    })
    // Catch a non-exported target now, where the user wrote it, when the script is already loaded.
    if (context.namespace && typeof options.target === 'function') resolveTarget(this, context)
  }

  get name(): string {
    return this[STATE].name
  }
  set name(value: string) {
    if (typeof value !== 'string') throw new TypeError(`name must be a string, got ${typeof value}`)
    this[STATE].name = value
  }

  get daemon(): boolean {
    return this[STATE].daemon
  }
  set daemon(value: boolean) {
    if (this[STATE].phase !== 'initial' && !this[STATE].self) throw new ProcessError('cannot set daemon after the process has started')
    this[STATE].daemon = Boolean(value)
  }

  /** null until the child has been spawned. */
  get pid(): number | null {
    this.checkNotClosed()
    const state = this[STATE]
    // Started but not yet spawned: almost always a start() that was not awaited.
    if (state.phase === 'started' && state.pid === null && state.exited === null) warnUnawaitedStart(state.name)
    return state.pid
  }

  /** null while running; then the exit code, or minus the signal that ended it. */
  get exitCode(): number | null {
    this.checkNotClosed()
    return this[STATE].exitCode
  }

  /** What the process does; override it in a subclass. By default it calls the target with the args. */
  async run(): Promise<void> {
    const { target, args } = this[STATE]
    if (typeof target === 'function') await target(...(args as never[]))
  }

  /**
   * Starts the child. Misuse throws at once; the returned promise settles when the child exists
   * (pid known). `p.start(); await p.join()` works without awaiting start.
   */
  start(): Promise<void> {
    const state = this[STATE]
    this.checkNotClosed()
    if (state.self) throw new ProcessError('cannot start the current process')
    if (state.phase !== 'initial') throw new ProcessError('cannot start a process twice')
    const context = labContext()
    if (context.self.daemon) throw new ProcessError('daemonic processes are not allowed to have children')
    const target = resolveTarget(this, context)
    const isSubclass = target.kind === 'class'
    const { bytes: payload, refs } = encodePayload({ args: state.args, fields: isSubclass ? ownFields(this) : null }, state.name)
    const spec: ChildSpec = {
      lid: `${context.lid}.${state.identity.at(-1)}`,
      name: state.name,
      daemon: state.daemon,
      identity: state.identity,
      target,
      payload,
      parent: { lid: context.lid, pid: process.pid, name: context.self.name },
      script: context.script,
    }
    state.phase = 'started'
    context.children.add(this)
    const holds = refs.map((ref) => (typeof ref.extra.end === 'number' ? `${ref.oid}#${ref.extra.end}` : ref.oid))
    const launch = (state.startMethod ?? getStartMethod()) === 'warm' ? launchWarm : launchChild
    state.spawned = launch(context, spec, target.export, holds).then(
      (launched) => {
        state.pid = launched.pid
        state.kill = (signal) => launched.child.kill(signal)
        state.exited = launched.exited.then((status) => {
          state.exitCode = status.exitCode
          return status
        })
      },
      (error: unknown) => {
        // A process that never started has nothing to join; record it as failed, like a crash at start.
        state.exitCode = 1
        state.exited = Promise.resolve({ exitCode: 1, signal: null })
        throw error
      },
    )
    return state.spawned
  }

  /** Waits for the process to end, at most `timeoutMs` if given (0 returns at once). */
  async join(timeoutMs?: number): Promise<void> {
    const state = this[STATE]
    this.checkNotClosed()
    if (state.self) throw new ProcessError('a process cannot join itself')
    if (state.phase === 'initial') throw new ProcessError('can only join a started process')
    if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0)) {
      throw new TypeError(`join timeout must be a non-negative number of milliseconds, got ${String(timeoutMs)}`)
    }
    const done = (async () => {
      await state.spawned?.catch(() => undefined)
      await state.exited
    })()
    const spec = { on: 'join' as const, target: childLid(this), timeoutMs: timeoutMs ?? null }
    if (timeoutMs === undefined) return watchWait(spec, done)
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)))
    const joined = Promise.race([done.then(() => true), timedOut])
    // A limit too short to be reported costs no second timer.
    await (timeoutMs < WAIT_REPORT_MS ? joined : watchWait(spec, joined, (ended) => (ended ? 'done' : 'timeout')))
    clearTimeout(timer)
  }

  isAlive(): boolean {
    const state = this[STATE]
    this.checkNotClosed()
    if (state.self) return true
    return state.phase === 'started' && state.exitCode === null
  }

  /** Sends SIGTERM (on Windows: ends the process). */
  terminate(): void {
    this.signal('SIGTERM')
  }

  /** Sends SIGKILL. */
  kill(): void {
    this.signal('SIGKILL')
  }

  /** Releases the process object; only allowed once the process has ended. */
  close(): void {
    const state = this[STATE]
    if (state.phase === 'closed') return
    if (state.phase === 'started' && state.exitCode === null) {
      throw new ProcessError('cannot close a process while it is still running: join() or terminate() it first')
    }
    state.phase = 'closed'
    labContext().children.delete(this)
  }

  toString(): string {
    const { name, pid, exitCode, phase, daemon } = this[STATE]
    const status = phase === 'initial' ? 'initial' : phase === 'closed' ? 'closed' : exitCode === null ? 'started' : `stopped exitcode=${exitCode}`
    return `<Process name='${name}'${pid === null ? '' : ` pid=${pid}`} ${status}${daemon ? ' daemon' : ''}>`
  }

  private signal(signal: NodeJS.Signals): void {
    const state = this[STATE]
    this.checkNotClosed()
    if (state.self) throw new ProcessError('use process.exit() to end the current process')
    if (state.phase === 'initial') throw new ProcessError(`cannot ${signal === 'SIGKILL' ? 'kill' : 'terminate'} a process that has not been started`)
    if (state.exitCode !== null) return
    if (state.kill) return state.kill(signal)
    // Still spawning: deliver the signal as soon as there is a pid.
    void state.spawned?.then(() => state.kill?.(signal)).catch(() => undefined)
  }

  private checkNotClosed(): void {
    if (this[STATE].phase === 'closed') throw new ProcessError('process object is closed')
  }
}

/** Builds the object that stands for the current process inside a lab process. */
export function selfProcess(init: { name: string; daemon: boolean; identity: number[]; target: Target | null; args: unknown[] }, prototype: object = Process.prototype): Process {
  const self = Object.create(prototype) as Process
  Object.defineProperty(self, STATE, {
    enumerable: false,
    value: { ...init, startMethod: null, phase: 'started', self: true, pid: process.pid, exitCode: null, spawned: null, exited: null, kill: null } satisfies ProcessState,
  })
  return self
}

/** For the exit sequence: children still running, and how to end or wait for them. */
export function childExit(child: Process): Promise<ExitStatus> | null {
  return child[STATE].exited
}

/** The unawaited-start warning is given once per lab process: one hint, not one per child. */
let warnedUnawaitedStart = false

function warnUnawaitedStart(name: string): void {
  if (warnedUnawaitedStart) return
  warnedUnawaitedStart = true
  process.stderr.write(
    `Warning: the pid of ${name} was read before its start() had finished, so it is null. ` +
      'start() returns a promise that settles once the OS process exists: write `await p.start()` before using p.pid.\n',
  )
}

function resolveTarget(process: Process, context: LabContext): TargetRef {
  const state = process[STATE]
  const isSubclass = process.constructor !== Process
  // The script's exports are known once it has been imported; a start before that is top-level code.
  if (context.namespace === null && (isSubclass || typeof state.target === 'function')) {
    throw new ProcessError(startedWhileImportingMessage(isSubclass ? `Process subclass ${process.constructor.name}` : `Process '${state.name}'`, context.script))
  }
  const namespace = context.namespace ?? {}
  if (isSubclass) {
    const ref = targetRefFor(namespace, context.scriptUrl, process.constructor, 'class')
    if (!ref) throw new TypeError(notExportedMessage({ what: 'Process subclass', optionKey: '', value: process.constructor as () => unknown, script: context.script }))
    return ref
  }
  const target = state.target
  if (target === null) throw new TypeError(`process '${state.name}' has no target: pass { target: someExportedFunction } or subclass Process and override run()`)
  if (typeof target === 'function') {
    const ref = targetRefFor(namespace, context.scriptUrl, target, 'function')
    if (!ref) throw new TypeError(notExportedMessage({ what: 'Process target', optionKey: 'target', value: target, script: context.script }))
    return ref
  }
  return { module: new URL(target.module, context.scriptUrl).href, export: target.export, kind: 'function' }
}

function ownFields(process: Process): Record<string, unknown> {
  return Object.fromEntries(Object.entries(process))
}

function checkOptions(options: ProcessOptions): void {
  if (typeof options !== 'object' || options === null) throw new TypeError('new Process(options): options must be an object')
  const { target, args, name, daemon, startMethod } = options
  const isModuleTarget = typeof target === 'object' && target !== null && typeof target.module === 'string' && typeof target.export === 'string'
  if (target !== undefined && typeof target !== 'function' && !isModuleTarget) {
    throw new TypeError(`Process option 'target' must be an exported function or { module, export }, got ${typeof target}`)
  }
  if (args !== undefined && !Array.isArray(args)) throw new TypeError(`Process option 'args' must be an array, got ${typeof args}`)
  if (name !== undefined && typeof name !== 'string') throw new TypeError(`Process option 'name' must be a string, got ${typeof name}`)
  if (daemon !== undefined && typeof daemon !== 'boolean') throw new TypeError(`Process option 'daemon' must be a boolean, got ${typeof daemon}`)
  if (startMethod !== undefined) checkMethod(startMethod, "Process option 'startMethod'")
}

/** The id the host knows a started child by (its events' lid): the parent's lid and the child's number. */
export function childLid(child: Process): string {
  return `${labContext().lid}.${String(child[STATE].identity.at(-1))}`
}
