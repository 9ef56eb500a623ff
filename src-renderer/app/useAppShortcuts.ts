import { i18n } from '../shared/i18n'
import { useKillStore, type KillTarget } from '../features/system/kill'
import { focusLabRow } from '../features/lab/focusLabRow'
import { useRunStore } from '../features/lab/run'
import { useStepsStore } from '../features/lab/steps'
import { useStepAction } from '../features/lab/stepAction'
import { useSystemStore } from '../features/system/system'
import { useUiStore } from '../shared/stores/ui'
import { signalRefusalText } from '../features/system/formatSystem'
import { useShortcuts } from '../shared/composables/useShortcuts'

/**
 * Views mark their search box with data-shortcut="search"; "/" focuses the one in the visible tab
 * panel (#panel-<tab>), so each view keeps its own box and none of them needs to know about keys.
 * A view that has not marked one yet gets its first search input.
 */
export const SEARCH_SELECTOR = '[data-shortcut="search"]'

export function focusSearch(tab: string): boolean {
  const panel = document.getElementById(`panel-${tab}`)
  const box = panel?.querySelector<HTMLElement>(SEARCH_SELECTOR) ?? panel?.querySelector<HTMLElement>('input[type="search"]')
  if (!box) return false
  box.focus()
  if (box instanceof HTMLInputElement) box.select()
  return true
}

/** The window's htop-like keys: ? help, / search, k kill, t terminate, j join, p pause, s step, Esc close the drawer. */
export function useAppShortcuts(): void {
  const ui = useUiStore()
  const run = useRunStore()
  const kill = useKillStore()
  const system = useSystemStore()
  const steps = useStepsStore()
  const stepAction = useStepAction()

  /** The selected row of the visible tree, if it is a process that can still take a signal. */
  function selectedTarget(): KillTarget | null {
    if (ui.activeTab === 'lab') {
      const p = run.selected
      return p && !p.exited ? { pid: p.pid, name: p.name } : null
    }
    if (ui.activeTab === 'system') {
      const p = system.selected
      return p ? { pid: p.pid, name: p.name } : null
    }
    return null
  }

  /** A key that has nothing to act on says so, rather than doing nothing in silence. */
  function nothingToActOn(): false {
    ui.showKeyHint(i18n.global.t(ui.activeTab === 'lab' || ui.activeTab === 'system' ? 'app.keyHint.select' : 'app.keyHint.noProcesses'))
    return false
  }

  // Both go through the one kill dialog, which opens on SIGTERM as the rows' Kill button does (htop's
  // k asks too): a stray key never kills without a confirmation, and never with SIGKILL by default.
  function askToSignal(): boolean {
    const target = selectedTarget()
    if (!target) return nothingToActOn()
    // A process the host would refuse: the key says why, as the greyed button does.
    const refusal = ui.activeTab === 'system' && system.selected ? signalRefusalText(i18n.global.t, system.selected) : null
    if (refusal !== null) {
      ui.showKeyHint(refusal)
      return false
    }
    kill.open(target)
    return true
  }

  useShortcuts({
    '?': () => {
      ui.helpOpen = true
    },
    '/': () => focusSearch(ui.activeTab),
    k: askToSignal,
    t: askToSignal,
    // j again stops waiting, as the row's button does.
    j: () => {
      const p = run.selected
      if (ui.activeTab !== 'lab' || !p || p.exited || p.parentLid === null) return nothingToActOn()
      if (run.joins[p.lid]?.waiting) run.cancelJoin(p.lid)
      else void run.join(p.lid)
    },
    // Pause the world and resume it (issue 17), from any view: the run goes on (or not) behind them all.
    p: () => {
      if (!run.running || run.replaying) {
        ui.showKeyHint(i18n.global.t('app.keyHint.noRun'))
        return false
      }
      void run.togglePause()
    },
    // Step (issue 17): the selected lab process runs to its next lab operation; the others stay paused.
    s: () => {
      const p = run.selected
      if (ui.activeTab !== 'lab' || !p || p.exited) return nothingToActOn()
      if (!stepAction.canStep(p.lid)) {
        const why = !run.running || run.replaying ? 'app.keyHint.noRun' : run.paused === null ? 'app.keyHint.notPaused' : 'app.keyHint.select'
        ui.showKeyHint(i18n.global.t(why))
        return false
      }
      if (steps.busy(p.lid)) {
        ui.showKeyHint(i18n.global.t('lab.step.busyHint'))
        return false
      }
      void stepAction.step(p.lid)
    },
    Escape: () => {
      const p = run.selected
      if (ui.activeTab !== 'lab' || !ui.detailsOpen || !p) return false
      ui.detailsOpen = false
      focusLabRow(p.lid)
    },
  })
}
