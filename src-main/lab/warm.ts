// Start methods, as Python's multiprocessing has them. 'spawn' (the default) starts a fresh lab
// runtime for each Process; 'warm' keeps one spare child per lab process already started, its
// runtime loaded and connected to the broker, and start() hands it the target: the Node start-up
// and the runtime's loading happen before start(), not inside it. The spare is a real child of the
// process that will own it (its pid and parent are true), and the host keeps it out of the run's
// tree until it is handed an identity (supervisor/spares.ts).
import type { ChildProcess } from 'node:child_process'
import type { Socket } from 'node:net'
import { serialize } from 'node:v8'
import type { LabContext } from './context'
import { labContext } from './context'
import { ProcessError } from './errors'
import { childEnv, connectTo, launchChild, openStdio, spawned, spawnRuntime, type ExitStatus, type LaunchedChild } from './launcher'
import { ENV, monotonicMicros, type ChildSpec, type SpareGone, type SpareGrant, type SpawnGrant } from './protocol'
import { platform } from '../platform'

export type StartMethod = 'spawn' | 'warm'

const START_METHODS: readonly StartMethod[] = ['spawn', 'warm']

let chosen: StartMethod | null = null

/**
 * Python's set_start_method: once per process unless `force`. Called at the top of a lab script it
 * runs again in every child (the script is imported in each, as under Python's spawn), so each
 * process that starts children uses it. The lab main forks its spare at once (it is about to start
 * processes); a child forks one at its first start(), so a child that starts nothing costs nothing.
 */
export function setStartMethod(method: StartMethod, force = false): void {
  checkMethod(method, 'setStartMethod')
  if (chosen !== null && !force) throw new ProcessError(`the start method has already been set to '${chosen}' (pass force = true to change it)`)
  chosen = method
  const context = labContext()
  if (method === 'warm' && context.role === 'main' && !context.self.daemon) prepareSpare(context)
  if (method !== 'warm') dropSpare()
}

/** Python's get_start_method(): 'spawn' unless set. */
export function getStartMethod(): StartMethod {
  return chosen ?? 'spawn'
}

export function getAllStartMethods(): StartMethod[] {
  return [...START_METHODS]
}

export function checkMethod(method: unknown, where: string): asserts method is StartMethod {
  if (!START_METHODS.includes(method as StartMethod)) {
    throw new TypeError(`${where}: the start method must be one of ${START_METHODS.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(method) ?? String(method)}`)
  }
}

interface Spare {
  id: string
  pid: number
  child: ChildProcess
  /** The OS's exit of the spare, whether or not it was ever used. */
  exit: Promise<ExitStatus>
  readonly ended: boolean
}

/**
 * This process's spare, forked or being forked; at most one. A start() takes it out of here at
 * once (before any await), so two starts in the same tick never get the same spare.
 */
interface Slot {
  spare: Promise<Spare | null>
  /** Its OS process once forked, until a start() takes it: what dropSpare kills. */
  child: ChildProcess | null
}

let slot: Slot | null = null
let exitHookSet = false

/** Starts a child with the warm method: the spare if there is one that is still alive, else a cold start. */
export async function launchWarm(context: LabContext, spec: ChildSpec, targetLabel: string, holds: string[]): Promise<LaunchedChild> {
  const mine = prepareSpare(context)
  slot = null
  const spare = await mine?.spare
  if (!spare || spare.ended) return launchChild(context, spec, targetLabel, holds)
  const grant = (await context.channel
    .request({ op: 'spawn', lid: spec.lid, name: spec.name, daemon: spec.daemon, target: targetLabel, spec: serialize(spec), holds, spare: spare.id })
    .catch((error: Error) => {
      // Refused (the cap, a bad lid): the spare stays unused, for the next start, unless there is one.
      if (slot === null && mine) slot = mine
      else spare.child.kill('SIGKILL')
      throw new ProcessError(error.message)
    })) as SpawnGrant | SpareGone
  if ('spareGone' in grant) {
    // It ended before the broker could hand it the spec: a cold start instead, as if there had been none.
    spare.child.kill('SIGKILL')
    return launchChild(context, spec, targetLabel, holds)
  }
  // From now on it is a lab process like any other: its exit is reported, and it keeps this one alive.
  spare.child.ref()
  const exited = spare.exit.then((status) => {
    context.channel.send({ op: 'exited', lid: spec.lid, exitCode: status.exitCode, signal: status.signal, at: monotonicMicros() })
    return status
  })
  // The next spare boots while this child runs, after start() has returned.
  setImmediate(() => prepareSpare(context))
  return { pid: grant.pid ?? spare.pid, child: spare.child, exited }
}

/** Forks this process's spare unless there is one. Never throws: a spare that fails to start means a cold start. */
export function prepareSpare(context: LabContext): Slot | null {
  if (slot !== null || context.self.daemon) return slot
  setExitHook()
  const made: Slot = { spare: Promise.resolve(null), child: null }
  made.spare = forkSpare(context, made).catch(() => null)
  slot = made
  return made
}

/** Kills the spare, unused: it was never shown, so nothing is reported. */
export function dropSpare(): void {
  slot?.child?.kill('SIGKILL')
  slot = null
}

async function forkSpare(context: LabContext, into: Slot): Promise<Spare> {
  const brokerPath = process.env[ENV.broker]
  if (!brokerPath) throw new ProcessError('this lab process has no broker address (PROCLAB_BROKER is unset)')
  const connecting = [connectTo(brokerPath), connectTo(brokerPath)]
  for (const socket of connecting) socket.catch(() => undefined)
  let grant: SpareGrant
  try {
    grant = (await context.channel.request({ op: 'spare' })) as SpareGrant
  } catch (error) {
    for (const socket of connecting) void socket.then((opened) => opened.destroy(), () => undefined)
    throw error
  }
  const output = await Promise.all([openStdio(connecting[0]!, grant.id, 'stdout', grant.token), openStdio(connecting[1]!, grant.id, 'stderr', grant.token)])
  try {
    const child = spawnRuntime(output as [Socket, Socket], { ...childEnv(grant.id, grant.token), [ENV.role]: 'spare', [ENV.script]: context.script })
    into.child = child
    // An idle spare must not keep this process alive; launchWarm refs it once it is a lab process.
    child.unref()
    let ended = false
    const exit = new Promise<ExitStatus>((resolve) => {
      child.once('exit', (code, signal) => {
        ended = true
        resolve(platform.exits.fromNode(code, signal))
      })
    })
    const pid = await spawned(child)
    return {
      id: grant.id,
      pid,
      child,
      exit,
      get ended() {
        return ended
      },
    }
  } finally {
    for (const socket of output) socket.destroy()
  }
}

/** Whatever way this process ends (its exit sequence, process.exit() in user code), its unused spare ends with it. */
function setExitHook(): void {
  if (exitHookSet) return
  exitHookSet = true
  process.once('exit', dropSpare)
}

