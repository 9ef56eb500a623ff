import type { SharedObjectType, StepOp, WaitOn, WaitOutcome } from '../../src-shared/events'

// Messages between a lab process and the host's broker, over the socket named in PROCLAB_BROKER.
// Each connection starts with one frame holding one `Opening` message, which says what it is.

/** How the child finds what to run: an export of a module, by name (functions cross by reference). */
export interface TargetRef {
  /** file: URL of the module that exports it. */
  module: string
  /** The export's name. */
  export: string
  /** 'function': call it with the args. 'class': a Process subclass; rebuild the instance and call run(). */
  kind: 'function' | 'class'
}

/** Everything a child needs to become the process its parent described. */
export interface ChildSpec {
  lid: string
  name: string
  daemon: boolean
  /** Python's _identity: the child's position in the tree of starts, e.g. [1, 2] → default name Process-1:2. */
  identity: number[]
  target: TargetRef
  /** The arguments (and, for the subclass form, the instance's own fields), encoded by reduction.ts. */
  payload: Uint8Array
  parent: { lid: string; pid: number; name: string }
  /** The lab script, imported first in every process as Python's spawn imports __main__. */
  script: string
}

/**
 * Every opening carries the token the host made for that lab process (the lab main's comes with
 * its environment, a child's with the broker's answer to `spawn`): a connection without the right
 * one is closed unread, whoever made it.
 */
export type Opening =
  /** A lab process's up socket: it only writes, the broker only reads. */
  | { op: 'control'; lid: string; pid: number; token: string }
  /** The same process's down socket: the broker only writes (replies, pushes). */
  | { op: 'down'; lid: string; pid: number; token: string }
  | { op: 'stdio'; lid: string; stream: 'stdout' | 'stderr'; token: string }

/** From a lab process to the broker. Requests carry `rid` and get exactly one Reply. */
export type UpMessage =
  | { op: 'spec'; rid: number }
  /**
   * Answered with a `SpawnGrant`. With `spare`, the child is that idle spare of the sender's
   * (see warm.ts): the broker makes it this lid and hands it the spec, and the grant carries its pid.
   */
  | { op: 'spawn'; rid: number; lid: string; name: string; daemon: boolean; target: string; spec: Uint8Array; holds: string[]; spare?: string }
  /** A spare for the warm start method: answered with a `SpareGrant` (its id and token). */
  | { op: 'spare'; rid: number }
  | { op: 'spawned'; lid: string; pid: number; at: number }
  | { op: 'spawn-failed'; lid: string; error: string }
  | { op: 'exited'; lid: string; exitCode: number | null; signal: string | null; at: number }
  /** A shared object was made here; later messages name it by `oid`. */
  | { op: 'create'; oid: string; type: SharedObjectType; name: string; options: Record<string, unknown> }
  /** An operation on a shared object that answers (acquire, get, recv, ...). */
  | { op: 'call'; rid: number; oid: string; method: string; args: unknown }
  /** An operation that needs no answer (put on an unbounded queue, send, acknowledgements). */
  | { op: 'tell'; oid: string; method: string; args: unknown }
  /** An OS process this process started with spawnUnreaped (see lab/unreaped.ts), and its reaping. */
  | { op: 'os-spawned'; pid: number; command: string; at: number }
  | { op: 'os-reaped'; pid: number; exitCode: number | null; signal: string | null; at: number }
  /** The lab main's script failed (load error or a throw from main): the run's error message. */
  | { op: 'main-error'; message: string }
  /**
   * This process has been blocked in a lab call for `waitedUs` (sent only past WAIT_REPORT_MS; see
   * lab/waits.ts). The broker checks it and emits process.wait; `wait` numbers it in this process.
   */
  | { op: 'wait'; wait: number; on: WaitOn; object: string | null; target: string | null; timeoutMs: number | null; waitedUs: number }
  /** That wait ended (never 'gone': the broker alone says that, when the process is gone). */
  | { op: 'resume'; wait: number; outcome: Exclude<WaitOutcome, 'gone'>; waitedUs: number }
  /** Stepped, this process stopped before lab operation `stepOp` (see step-gate.ts): the broker emits process.at. */
  | { op: 'at'; stepOp: StepOp; object: string | null; line: string | null }

/** The broker's answer to `spawn`: the token the child presents (the parent passes it on). */
export interface SpawnGrant {
  token: string
  /** Set when a spare was handed the spec: the pid it already has. */
  pid?: number
}

/** The answer to a `spawn` naming a spare that ended before it could be handed the spec. */
export interface SpareGone {
  spareGone: true
}

/**
 * A spare's registration: it connects with this id (in place of a lid) and token, and stays out
 * of the run's tree until a `spawn` names it.
 */
export interface SpareGrant {
  id: string
  token: string
}

export type Reply =
  | { op: 'reply'; rid: number; ok: true; value?: unknown }
  /** `errorName` picks the class the user catches (Full, Empty, EOFError, ...). */
  | { op: 'reply'; rid: number; ok: false; error: string; errorName?: string }

/** Something the broker tells a process about one of its objects without being asked (a recall). */
export interface Push {
  op: 'push'
  oid: string
  method: string
  args: unknown
}

export type DownMessage = Reply | Push

/** The machine-wide monotonic clock in µs; comparable between processes of one machine. */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n)
}

/** Environment variables that tell a lab process who it is. */
export const ENV = {
  broker: 'PROCLAB_BROKER',
  lid: 'PROCLAB_LID',
  /** 'main', 'child', or 'spare' (the warm start method's idle child: it loads the runtime, then waits for its spec). */
  role: 'PROCLAB_ROLE',
  script: 'PROCLAB_SCRIPT',
  /** The process's token; the runtime takes it out of process.env before any user code runs. */
  token: 'PROCLAB_TOKEN',
  /** Where the Step gates are (step-layout.ts): "<segment name>:<size>". */
  gate: 'PROCLAB_GATE',
} as const
