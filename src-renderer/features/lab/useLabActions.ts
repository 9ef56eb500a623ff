import type { SignalName } from '../../../src-shared/contract'
import { useKillStore } from '../system/kill'
import { useRunStore } from './run'
import type { LabProcess } from './runModel'
import { useUiStore } from '../../shared/stores/ui'

/** Exit code, or how it ended when there is none; "-9 (SIGKILL)" as Python reports it. */
export function exitText(t: (key: string, named?: Record<string, unknown>) => string, p: Pick<LabProcess, 'exitCode' | 'signal'>): string {
  if (p.exitCode === null) return p.signal ? t('lab.exit.killedBy', { signal: p.signal }) : t('lab.exit.unknown')
  return p.signal ? `${p.exitCode} (${p.signal})` : String(p.exitCode)
}

/** What can be done to a lab process, from a row button, its menu, the drawer or a key. */
export function useLabActions() {
  const run = useRunStore()
  const kill = useKillStore()
  const ui = useUiStore()

  function canSignal(p: LabProcess | undefined): p is LabProcess {
    return p !== undefined && !p.exited
  }
  /** The lab main is not anybody's child here: only lab processes it started can be joined. */
  function canJoin(p: LabProcess | undefined): p is LabProcess {
    // An OS process started unreaped is no lab process: its own parent reaps it, nobody joins it.
    return canSignal(p) && p.parentLid !== null && !p.os && !run.joins[p.lid]?.waiting
  }
  /** Through the shared kill dialog, with this signal chosen: the user still confirms. */
  function signal(lid: string, name: SignalName): void {
    const p = run.processes[lid]
    if (!canSignal(p)) return
    kill.open({ pid: p.pid, name: p.name })
    kill.signal = name
  }
  function join(lid: string): void {
    if (canJoin(run.processes[lid])) void run.join(lid)
  }
  function showDetails(lid: string): void {
    run.selectedLid = lid
    ui.detailsOpen = true
  }
  return { canSignal, canJoin, signal, join, showDetails }
}
