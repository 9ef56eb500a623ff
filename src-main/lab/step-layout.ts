// Where Step (issue 17) keeps each lab process's gate: one segment of shared memory per host,
// made by the supervisor, mapped by every lab process at its first lab operation. A slot is two
// words, the process's pid and its gate's state; the runtime reads the state before every lab
// operation (one atomic load while it runs freely), so the host can stop a process exactly there
// however fast its operations go (shared-memory ones send no message the host could hold).
import { HEADER_WORDS } from './shm/segment'
import type { SegmentAddress } from './shm/segment'

/** A gate's state. The host writes stop and go; the runtime writes stopped, and stop again after a go. */
export const GATE = {
  /** Runs freely: every lab operation goes ahead. */
  run: 0,
  /** Stop before the next lab operation (the process is being stepped). */
  stop: 1,
  /** Stopped before a lab operation, told the broker so (process.at), waits for go or run. */
  stopped: 2,
  /** Do the operation it stopped before, then stop before the next. */
  go: 3,
} as const
export type GateState = (typeof GATE)[keyof typeof GATE]

/** Processes a run can have gates for; one more gets none (it cannot be stepped, the host says so). */
export const GATE_SLOTS = 8192
/** The word that counts slots handed out. */
export const SLOTS_USED = HEADER_WORDS
export const GATE_BYTES = (1 + GATE_SLOTS * 2) * 4

export function pidWord(slot: number): number {
  return HEADER_WORDS + 1 + slot * 2
}

export function stateWord(slot: number): number {
  return pidWord(slot) + 1
}

/** The slots that name `pid`: a process uses the first; the host writes to them all (see claimSlot). */
export function slotsOf(words: Int32Array, pid: number): number[] {
  const used = Math.min(Atomics.load(words, SLOTS_USED), GATE_SLOTS)
  const found: number[] = []
  for (let slot = 0; slot < used; slot++) if (Atomics.load(words, pidWord(slot)) === pid) found.push(slot)
  return found
}

/**
 * The first slot that names `pid`, claimed if there is none; null when all are taken. The host
 * and the process may each claim one for the same pid (the host steps a process that has not
 * reached its first lab operation yet): the host then writes to both and the process reads the
 * first, so they still agree.
 */
export function claimSlot(words: Int32Array, pid: number): number | null {
  const known = slotsOf(words, pid)[0]
  if (known !== undefined) return known
  const slot = Atomics.add(words, SLOTS_USED, 1)
  if (slot >= GATE_SLOTS) return null
  Atomics.store(words, pidWord(slot), pid)
  return slotsOf(words, pid)[0] ?? slot
}

/** The value of ENV.gate: the segment's name and size. */
export function gateAddressText(address: SegmentAddress): string {
  return `${address.name}:${address.size}`
}

export function parseGateAddress(text: string | undefined): SegmentAddress | null {
  const match = /^(proclab-[a-z0-9]+):(\d+)$/.exec(text ?? '')
  return match ? { name: match[1]!, size: Number(match[2]) } : null
}
