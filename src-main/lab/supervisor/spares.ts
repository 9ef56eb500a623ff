// The host's side of the warm start method's spares. A spare is a lab runtime a lab process (its
// owner) forked ahead of need; it connects with a spare id and token of its own, so the broker
// admits it, but it is in no registry record: no event shows it, no count includes it, the cap does
// not count it. A `spawn` that names it turns it into the new lab process (Supervisor.handToSpare);
// a spare never named is killed, unreported, when its owner disconnects or its run ends.
import type { Socket } from 'node:net'
import { platform } from '../../platform'
import type { ControlConnection, ControlSession } from './broker'
import { isStillProcess } from './os-process'

type Stream = 'stdout' | 'stderr'

/**
 * Spares one owner may have registered and not yet used. It keeps one, but starts issued in the
 * same tick may each fork their own; past this, a start is a cold one (its spare request is refused).
 */
export const MAX_SPARES_PER_OWNER = 4

/** What a spare printed before it was used (a Node warning at most: no user code has run) and the socket. */
interface HeldOutput {
  socket: Socket
  chunks: Buffer[]
  onData: (chunk: Buffer) => void
}

export interface SpareRecord {
  id: string
  ownerLid: string
  runId: string
  token: string
  /** From its control opening, checked with the OS (Linux) against its owner. */
  pid: number | null
  startTime: number | null
  connection: ControlConnection | null
  /** Its down socket was admitted (the broker queues what is sent to it until then, but a down opening after the spare became a lab process would be refused). */
  down: boolean
  /** The rid of its spec request (sent as soon as it connects), answered when it is handed a target. */
  specRid: number | null
  output: Partial<Record<Stream, HeldOutput>>
  /** Once handed a target: the new lab process's session, which its messages go to from then on. */
  session: ControlSession | null
  gone: boolean
  /** Spawn requests waiting for it to be connected with both output sockets (true) or gone (false). */
  waiting: Array<(ready: boolean) => void>
}

export class SpareTable {
  private readonly byId = new Map<string, SpareRecord>()
  /**
   * Spares ended unused: a socket of one may still arrive (its owner died while it was booting).
   * It is refused without a report: the spare was never shown, its end is no one's error.
   */
  private readonly ended = new Set<string>()
  private counter = 0

  add(init: Pick<SpareRecord, 'ownerLid' | 'runId' | 'token'>): SpareRecord {
    // '~' is in no lid, so a spare id is never taken for one (lids are run.1.2...).
    const spare: SpareRecord = { ...init, id: `${init.ownerLid}~${++this.counter}`, pid: null, startTime: null, connection: null, down: false, specRid: null, output: {}, session: null, gone: false, waiting: [] }
    this.byId.set(spare.id, spare)
    return spare
  }

  get(id: string): SpareRecord | undefined {
    return this.byId.get(id)
  }

  /** Unused spares of this owner, booting or waiting (a start takes one before it is handed over). */
  ownedBy(ownerLid: string): number {
    let count = 0
    for (const spare of this.byId.values()) if (spare.ownerLid === ownerLid) count++
    return count
  }

  endedUnused(id: string): boolean {
    return this.ended.has(id)
  }

  /** The run is over: no socket of its spares is on its way any more. */
  forgetRun(runId: string): void {
    for (const id of this.ended) if (id === runId || id.startsWith(`${runId}.`) || id.startsWith(`${runId}~`)) this.ended.delete(id)
  }

  /** Whether all four of its sockets are in (control, down, stdout, stderr): then it can become a lab process. */
  isReady(spare: SpareRecord): boolean {
    return spare.connection !== null && spare.down && spare.output.stdout !== undefined && spare.output.stderr !== undefined
  }

  /** Calls `then(true)` once the spare is ready, `then(false)` if it ends first. */
  whenReady(spare: SpareRecord, then: (ready: boolean) => void): void {
    if (spare.gone) return then(false)
    if (this.isReady(spare)) return then(true)
    spare.waiting.push(then)
  }

  /** Something arrived: wakes the waiting spawn if the spare is now ready. */
  checkReady(spare: SpareRecord): void {
    if (!this.isReady(spare)) return
    for (const then of spare.waiting.splice(0)) then(true)
  }

  holdOutput(spare: SpareRecord, stream: Stream, socket: Socket, firstBytes: Buffer): void {
    const held: HeldOutput = { socket, chunks: firstBytes.length ? [firstBytes] : [], onData: (chunk) => held.chunks.push(chunk) }
    socket.on('data', held.onData)
    socket.on('error', () => undefined)
    spare.output[stream] = held
    this.checkReady(spare)
  }

  /** Hands over an output socket and what it held: the spare is no longer one. */
  takeOutput(spare: SpareRecord, stream: Stream): { socket: Socket; firstBytes: Buffer } {
    const held = spare.output[stream]!
    held.socket.off('data', held.onData)
    delete spare.output[stream]
    return { socket: held.socket, firstBytes: Buffer.concat(held.chunks) }
  }

  /** It has become a lab process: no longer a spare to kill or wait for. */
  adopted(spare: SpareRecord): void {
    this.byId.delete(spare.id)
  }

  /** Its control connection closed before it was used: it ended (or is ending). Nothing is reported. */
  gone(spare: SpareRecord): void {
    this.end(spare, false)
  }

  /** Ends every unused spare of an owner (it disconnected) or of a run (it ended), unreported. */
  killWhere(match: (spare: SpareRecord) => boolean): void {
    for (const spare of [...this.byId.values()]) if (match(spare)) this.end(spare, true)
  }

  private end(spare: SpareRecord, kill: boolean): void {
    if (spare.gone) return
    spare.gone = true
    this.byId.delete(spare.id)
    this.ended.add(spare.id)
    // Never a pid since given to another process.
    if (kill && spare.pid !== null && isStillProcess(spare.pid, spare.startTime)) platform.signals.sendIfThere(spare.pid, 'SIGKILL')
    spare.connection?.destroy()
    for (const held of Object.values(spare.output)) held.socket.destroy()
    spare.output = {}
    for (const then of spare.waiting.splice(0)) then(false)
  }
}
