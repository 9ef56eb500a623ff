// The state of the lab runtime inside one lab process: who this process is, its broker channel,
// the script's exports, and the children it started. Set once by runtime/entry.ts.
import type { BrokerChannel } from './runtime/channel'
import type { Process } from './process'
import { LabContextError } from './errors'

export interface ParentInfo {
  lid: string
  pid: number
  name: string
}

export interface LabContext {
  lid: string
  role: 'main' | 'child'
  channel: BrokerChannel
  /** Absolute path of the lab script and its file: URL. */
  script: string
  scriptUrl: string
  /** The script module's exports, once imported: where targets are looked up by reference. */
  namespace: Readonly<Record<string, unknown>> | null
  /** Python's _identity; [] for the lab main. */
  identity: number[]
  /** The number the next child started here gets (Python's per-process counter). */
  nextChildNumber: number
  /** currentProcess(). */
  self: Process
  parent: ParentInfo | null
  /** Children started from this process, in start order (kept after exit, as Python keeps them until joined). */
  children: Set<Process>
}

let active: LabContext | null = null

export function setLabContext(context: LabContext): void {
  active = context
}

export function labContext(): LabContext {
  if (!active) {
    throw new LabContextError(
      "The proclab API works inside a lab process. Run the script with 'npx proclab run <script>' or from the ProcLab app.",
    )
  }
  return active
}

export function hasLabContext(): boolean {
  return active !== null
}
