import type { SignalRefusal, SystemProcess } from '../../../src-shared/contract'
import type { Units } from '../../shared/composables/units'

/** A process's age at the time of the sample (not of rendering, so rows do not tick between samples). */
export function formatAge(units: Units, startedAt: number | null, now: number | null): string {
  if (startedAt === null || now === null) return '–'
  return units.uptime((now - startedAt) / 1000)
}

const REFUSAL_KEYS: Record<SignalRefusal, string> = {
  init: 'system.refused.init',
  proclab: 'system.refused.proclab',
  'host-ancestor': 'system.refused.hostAncestor',
  'other-user': 'system.refused.otherUser',
}

/** Why this process's Kill is greyed, in the user's language; null when it may be signalled. */
export function signalRefusalText(t: (key: string, named?: Record<string, unknown>) => string, p: Pick<SystemProcess, 'signalRefused' | 'user'>): string | null {
  return p.signalRefused === null ? null : t(REFUSAL_KEYS[p.signalRefused], { user: p.user })
}
