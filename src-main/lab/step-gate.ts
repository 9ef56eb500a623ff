// A lab process's side of Step (issue 17): before every lab operation the runtime asks its gate
// (step-layout.ts) whether it may go on. While the process runs freely that is one atomic load;
// when the user steps it, it stops right there, tells the broker which operation it stopped
// before and where in the script (process.at), and waits, using no CPU once the host has stopped
// it again, until the host lets it do that one operation (go) or lets every process run.
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { StepOp } from '../../src-shared/events'
import { hasLabContext, labContext } from './context'
import { packageRoot } from '../package-root'
import { ENV } from './protocol'
import { SharedSegment } from './shm/segment'
import { claimSlot, GATE, parseGateAddress, stateWord } from './step-layout'

interface Gate {
  segment: SharedSegment
  state: number
}

/** undefined: not looked for yet; null: this process has none (no host gate, no shared memory, no slot). */
let mine: Gate | null | undefined

function openGate(): Gate | null {
  const address = parseGateAddress(process.env[ENV.gate])
  if (!address || !hasLabContext()) return null
  try {
    const segment = SharedSegment.open(address)
    const slot = claimSlot(segment.words, process.pid)
    return slot === null ? null : { segment, state: stateWord(slot) }
  } catch {
    // No gate means this process cannot be stepped; the host refuses to step it, it never fails here.
    return null
  }
}

/**
 * Called first thing by every steppable lab operation. Undefined (go on at once) unless the
 * process is being stepped: then a promise that resolves when it may do this operation.
 */
export function beforeOperation(op: StepOp, object: string | null): Promise<void> | undefined {
  if (mine === undefined) mine = openGate()
  if (mine === null || Atomics.load(mine.segment.words, mine.state) === GATE.run) return undefined
  return stopBefore(mine, op, object)
}

async function stopBefore(own: Gate, op: StepOp, object: string | null): Promise<void> {
  const words = own.segment.words
  for (;;) {
    const state = Atomics.load(words, own.state)
    if (state === GATE.run) return
    // Go: this operation happens; the next one stops again.
    if (state === GATE.go && Atomics.compareExchange(words, own.state, GATE.go, GATE.stop) === GATE.go) return
    if (state === GATE.stop && Atomics.compareExchange(words, own.state, GATE.stop, GATE.stopped) === GATE.stop) tellStopped(op, object)
    // Another operation of this process (a second async chain) may be the one that stopped: wait alike.
    if (Atomics.load(words, own.state) === GATE.stopped) await own.segment.waitAsync(own.state, GATE.stopped, 1000)
  }
}

function tellStopped(op: StepOp, object: string | null): void {
  const { channel } = labContext()
  // What the process did in this step (its operations' telemetry, batched) goes out first.
  channel.flushNow()
  channel.send({ op: 'at', stepOp: op, object, line: scriptLine(new Error().stack ?? '') })
  channel.flushNow()
}

/** A frame's file as a path; null for a URL that names no file here (a frame is shown, never trusted). */
function pathOf(location: string): string | null {
  if (!location.startsWith('file://')) return location
  try {
    return fileURLToPath(location)
  } catch {
    return null
  }
}

let ownFiles: string | undefined

/** "file:line" of the first frame outside ProcLab and Node: where the script called the operation. */
export function scriptLine(stack: string, own = (ownFiles ??= join(packageRoot(), 'out'))): string | null {
  for (const frame of stack.split('\n').slice(1)) {
    const match = /\(?((?:file:\/\/)?[^\s()]+):(\d+):\d+\)?\s*$/.exec(frame)
    if (!match) continue
    const file = pathOf(match[1]!)
    if (file === null || file.startsWith('node:') || file.startsWith(own)) continue
    return `${basename(file)}:${match[2]}`
  }
  return null
}

/** `operation()` now, or once the gate lets this process do it (see beforeOperation). */
export function gate<T>(op: StepOp, object: string | null, operation: () => Promise<T>): Promise<T> {
  const gated = beforeOperation(op, object)
  return gated ? gated.then(operation) : operation()
}
