// The Step button and the s key (issue 17): whether a process can be stepped now, and asking the
// host to. Kept apart from the steps store, which the frame sinks feed: that store must not need
// the run store (run.ts → frameSinks.ts → steps.ts would be a cycle).
import { useRunStore } from './run'
import { useStepsStore } from './steps'

export function useStepAction() {
  const run = useRunStore()
  const steps = useStepsStore()

  /** A live lab process of a paused live run (not a replay, not an OS process it started). */
  function canStep(lid: string): boolean {
    const p = run.processes[lid]
    return !run.replaying && run.running && run.paused !== null && p !== undefined && !p.exited && !p.zombie && !p.os
  }

  /** Lets this one process run to its next lab operation, if it can be stepped and is not stepping. */
  async function step(lid: string): Promise<void> {
    if (!canStep(lid)) return
    await steps.ask(lid, run.processes[lid]?.name ?? lid)
  }

  return { canStep, step }
}
