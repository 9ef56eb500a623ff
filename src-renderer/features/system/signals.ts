// Which signals the kill dialog offers: those of the contract the host's OS can send. Kept apart
// from the dialog's store so it can be tested without a page.
import type { SignalName } from '../../../src-shared/contract'

/** Every signal the dialog knows, in the order shown; SIGTERM (the polite one) first and default. */
export const KILL_SIGNALS = ['SIGTERM', 'SIGKILL', 'SIGINT', 'SIGHUP', 'SIGSTOP', 'SIGCONT'] as const satisfies readonly SignalName[]
// Fails to compile if the contract grows a signal the dialog does not know.
const _everySignalKnown: Exclude<SignalName, (typeof KILL_SIGNALS)[number]> extends never ? true : never = true
void _everySignalKnown

/**
 * The signals to offer where the host can send `available` (its hello says which): the dialog's
 * order, only those the OS has (Windows: SIGTERM and SIGKILL). Before the host has said, all of
 * them: the host refuses what its OS lacks, with the reason.
 */
export function offeredSignals(available: readonly SignalName[] | undefined): SignalName[] {
  return available ? KILL_SIGNALS.filter((signal) => available.includes(signal)) : [...KILL_SIGNALS]
}

/** Whether every offered signal only ends a process (Windows: no pause, nothing to catch), which the dialog's help then says. */
export function onlyEnds(offered: readonly SignalName[]): boolean {
  return offered.every((signal) => signal === 'SIGTERM' || signal === 'SIGKILL')
}
