// Starts one lab child: asks the broker for a place (the process cap), connects the child's
// stdout and stderr straight to the host (so its output survives the parent, as an orphan's must),
// and spawns the lab runtime. The parent watches the exit and reports it.
import { spawn, type ChildProcess } from 'node:child_process'
import { connect, type Socket } from 'node:net'
import { serialize } from 'node:v8'
import type { LabContext } from './context'
import { ProcessError } from './errors'
import { labExecutable, labNodeArgs, labPaths } from './paths'
import { platform, type ExitStatus } from '../platform'
import { ENV, monotonicMicros, type ChildSpec, type Opening, type SpawnGrant } from './protocol'
import { encodeFrame } from './wire'

export type { ExitStatus }

export interface LaunchedChild {
  pid: number
  child: ChildProcess
  exited: Promise<ExitStatus>
}

/** `holds` names the shared objects passed to the child, which it holds from birth (pipe ends count holders). */
export async function launchChild(context: LabContext, spec: ChildSpec, targetLabel: string, holds: string[]): Promise<LaunchedChild> {
  const brokerPath = process.env[ENV.broker]
  if (!brokerPath) throw new ProcessError('this lab process has no broker address (PROCLAB_BROKER is unset)')
  // The output sockets connect while the broker grants the place: their opening, which needs the
  // token, is written once the grant is here. One connect less on the way to the spawn.
  const connecting = [connectTo(brokerPath), connectTo(brokerPath)]
  // A connect that fails during the request is reported by openStdio below, not as unhandled.
  for (const socket of connecting) socket.catch(() => undefined)
  const token = await requestSpawn(context, spec, targetLabel, holds).catch((error: Error) => {
    for (const socket of connecting) void socket.then((opened) => opened.destroy(), () => undefined)
    throw new ProcessError(error.message)
  })
  const [stdout, stderr] = await Promise.all([openStdio(connecting[0], spec.lid, 'stdout', token), openStdio(connecting[1], spec.lid, 'stderr', token)])
  try {
    const child = spawnRuntime([stdout, stderr], childEnv(spec.lid, token))
    const pid = await spawned(child)
    context.channel.send({ op: 'spawned', lid: spec.lid, pid, at: monotonicMicros() })
    const exited = new Promise<ExitStatus>((resolve) => {
      child.once('exit', (code, signal) => {
        const status = platform.exits.fromNode(code, signal)
        context.channel.send({ op: 'exited', lid: spec.lid, exitCode: status.exitCode, signal: status.signal, at: monotonicMicros() })
        resolve(status)
      })
    })
    return { pid, child, exited }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    context.channel.send({ op: 'spawn-failed', lid: spec.lid, error: message })
    throw new ProcessError(`could not start process '${spec.name}': ${message}`)
  } finally {
    // The child has its own copies of these descriptors; ours would only keep the streams open.
    stdout.destroy()
    stderr.destroy()
  }
}

/** Starts the lab runtime as a child of this process, its output on the given sockets. */
export function spawnRuntime([stdout, stderr]: [Socket, Socket], env: NodeJS.ProcessEnv): ChildProcess {
  const executable = labExecutable()
  return spawn(executable.command, [...labNodeArgs(), labPaths().runtime], {
    // Windows: out of this process's libuv job, which would end the child with this process (an
    // orphan must outlive its parent); the run's job still holds it. Never on POSIX (see LabSupport).
    detached: platform.lab.detachedChildren,
    stdio: ['ignore', stdout, stderr],
    env: { ...env, ...executable.env },
    windowsHide: true,
  })
}

/** Asks the broker for a place (the process cap); the grant is the child's token. */
async function requestSpawn(context: LabContext, spec: ChildSpec, targetLabel: string, holds: string[]): Promise<string> {
  const grant = (await context.channel.request({ op: 'spawn', lid: spec.lid, name: spec.name, daemon: spec.daemon, target: targetLabel, spec: serialize(spec), holds })) as SpawnGrant
  return grant.token
}

/** This process's environment, as user code left it, and who the child is: its lid and its token. */
export function childEnv(lid: string, token: string): NodeJS.ProcessEnv {
  return { ...process.env, [ENV.lid]: lid, [ENV.role]: 'child', [ENV.token]: token }
}

export function connectTo(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(path)
    socket.once('error', reject)
    socket.once('connect', () => {
      socket.off('error', reject)
      resolve(socket)
    })
  })
}

export async function openStdio(connecting: Promise<Socket>, lid: string, stream: 'stdout' | 'stderr', token: string): Promise<Socket> {
  const socket = await connecting
  return new Promise((resolve, reject) => {
    socket.once('error', reject)
    socket.write(encodeFrame([{ op: 'stdio', lid, stream, token } satisfies Opening]), () => {
      socket.off('error', reject)
      resolve(socket)
    })
  })
}

export function spawned(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('spawn', () => {
      child.off('error', reject)
      resolve(child.pid as number)
    })
  })
}
