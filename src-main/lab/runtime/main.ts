// The lab runtime proper, loaded by entry.ts once it has started connecting to the broker.
import { pathToFileURL } from 'node:url'
import { platform } from '../../platform'
import { setLabContext, type LabContext } from '../context'
import { endChildren } from '../lifecycle'
import { deliverPush } from '../objects'
// The whole API, so that every kind of shared object can be rebuilt from the arguments.
import '../index'
import { selfProcess, type Process } from '../process'
import { ENV, type ChildSpec } from '../protocol'
import { decodePayload } from '../reduction'
import { deserialize } from 'node:v8'
import { BrokerChannel } from './channel'
import { SPEC_RID, type EarlyConnection } from './early'
import { prepareLoader } from './loader'
import { requireEnv } from './require-env'

export interface LabStart {
  lid: string
  /** 'spare': a warm start method's idle child, which becomes a child once handed its spec. */
  role: 'main' | 'child' | 'spare'
  /** The broker connection entry.ts opened (and, for a child, the spec it asked for). */
  connecting: Promise<EarlyConnection>
}

export async function runLabProcess({ lid, role, connecting }: LabStart): Promise<void> {
  // Inside the app this process is Electron acting as Node; a program user code starts must not be
  // told the same (an Electron-based tool would start as bare Node). fork() and the launcher set it
  // again for what is meant to run as Node.
  delete process.env.ELECTRON_RUN_AS_NODE
  const channel = BrokerChannel.adopt(await connecting, endWithHost)
  // A target that calls process.exit() skips the exit sequence; what it told the host must still go.
  process.once('exit', () => channel.flushNow())
  channel.onPush = deliverPush
  // Waited for at once: the channel drops a reply no one waits for, and a spare's may come while it prepares.
  const spec = role === 'main' ? null : channel.replyTo(SPEC_RID)
  spec?.catch(() => undefined)
  const failed = spec === null ? await runMain(lid, channel) : await runChild(channel, spec, role === 'spare' ? await prepareSpare() : null)
  // As in Node, a script may set process.exitCode instead of calling process.exit().
  const exitCode = failed || (typeof process.exitCode === 'number' ? process.exitCode : 0)
  await endChildren().catch((error: unknown) => reportError('while waiting for children', error))
  await channel.close()
  await drainOutput()
  process.exit(exitCode)
}

/**
 * If the host dies, nothing may be left running: end without the exit sequence. The host's guard
 * against its death (POSIX: its watchdog; Windows: the run's job object) ends the whole run, busy
 * processes too; this process leaves it a moment first (platform.lab.selfEndDelayMs), and ends
 * itself where the guard could not act (no koffi on Windows, a watchdog that failed).
 */
function endWithHost(): void {
  const end = () => void process.kill(process.pid, 'SIGKILL')
  const delay = platform.lab.selfEndDelayMs
  if (delay === 0) end()
  else setTimeout(end, delay)
}

/**
 * Waits until everything written to stdout and stderr has left the process. On POSIX, writes to
 * a pipe or socket are asynchronous: process.exit() would drop what is still queued, the tail of
 * a big print.
 */
function drainOutput(): Promise<unknown> {
  return Promise.all(
    [process.stdout, process.stderr].map(
      (stream) =>
        new Promise<void>((resolve) => {
          if (stream.writableLength === 0 || stream.destroyed) return resolve()
          stream.write('', () => resolve())
        }),
    ),
  )
}

async function runMain(lid: string, channel: BrokerChannel): Promise<number> {
  const script = requireEnv(ENV.script)
  const context = newContext({ lid, role: 'main', channel, script, identity: [], parent: null })
  context.self = selfProcess({ name: 'MainProcess', daemon: false, identity: [], target: null, args: [] })
  try {
    await prepareLoader(script)
    const namespace = (await import(context.scriptUrl)) as Record<string, unknown>
    context.namespace = namespace
    if (typeof namespace.default !== 'function') {
      throw new ScriptError(
        `${script} has no default export, so there is no main to run. A lab script's main is \`export default async function main() { ... }\`, ` +
          "ProcLab's counterpart of Python's `if __name__ == '__main__':` block: it runs in the lab main process only, and starts the processes.",
      )
    }
    await (namespace.default as () => unknown)()
    return 0
  } catch (error) {
    reportError(`in ${script}`, error)
    channel.send({ op: 'main-error', message: error instanceof Error ? `${error instanceof ScriptError ? '' : `${error.name}: `}${error.message}` : String(error) })
    return 1
  }
}

/**
 * What a spare does before it has a target: what every child of this script needs (the loader
 * for a TypeScript script or one outside ProcLab). The script itself is imported once the spare
 * knows who it is, so its top-level code runs as that process, as under 'spawn'.
 */
async function prepareSpare(): Promise<string> {
  const script = requireEnv(ENV.script)
  await prepareLoader(script)
  return script
}

/** `specReply`: the answer to the spec request entry.ts sent; `loaderFor`: the script a spare already prepared the loader for. */
async function runChild(channel: BrokerChannel, specReply: Promise<unknown>, loaderFor: string | null): Promise<number> {
  const spec = deserialize((await specReply) as Uint8Array) as ChildSpec
  const lid = spec.lid
  // A spare was started under its spare id: from now on it is this lab process.
  process.env[ENV.lid] = lid
  const context = newContext({ lid, role: 'child', channel, script: spec.script, identity: spec.identity, parent: spec.parent })
  context.self = selfProcess({ name: spec.name, daemon: spec.daemon, identity: spec.identity, target: null, args: [] })
  let self: Process = context.self
  try {
    const { args, fields } = decodePayload(spec.payload)
    if (loaderFor !== spec.script) await prepareLoader(spec.script)
    context.namespace = (await import(context.scriptUrl)) as Record<string, unknown>
    const module = spec.target.module === context.scriptUrl ? context.namespace : ((await import(spec.target.module)) as Record<string, unknown>)
    const exported = module[spec.target.export]
    if (typeof exported !== 'function') throw new ScriptError(`${spec.target.module} has no exported function '${spec.target.export}'`)
    const init = { name: spec.name, daemon: spec.daemon, identity: spec.identity, args }
    self = spec.target.kind === 'class'
      ? Object.assign(selfProcess({ ...init, target: null }, exported.prototype as object), fields)
      : selfProcess({ ...init, target: exported as (...args: never[]) => unknown })
    context.self = self
    await self.run()
    return 0
  } catch (error) {
    // As Python prints "Process Process-1:" and the traceback, then exits with code 1.
    reportError(`in process ${spec.name} (pid ${process.pid})`, error)
    return 1
  }
}

function newContext(init: Pick<LabContext, 'lid' | 'role' | 'channel' | 'script' | 'identity' | 'parent'>): LabContext {
  const context: LabContext = {
    ...init,
    scriptUrl: pathToFileURL(init.script).href,
    namespace: null,
    nextChildNumber: 1,
    self: undefined as unknown as Process, // set by the caller before any user code runs
    children: new Set(),
  }
  setLabContext(context)
  return context
}

class ScriptError extends Error {}

function reportError(where: string, error: unknown): void {
  process.stderr.write(`Error ${where}:\n${error instanceof ScriptError ? error.message : describe(error)}\n`)
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`
  return String(error)
}
