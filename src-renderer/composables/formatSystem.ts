import type { SignalRefusal, SystemProcess } from '../../src-shared/contract'

/** 45s, 12m, 3h 05m, 4d 02h: how long a process or the machine has been up, at a glance. */
export function formatUptime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds))
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m`
  const h = Math.floor(m / 60)
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`
  return `${Math.floor(h / 24)}d ${String(h % 24).padStart(2, '0')}h`
}

/** A process's age at the time of the sample (not of rendering, so rows do not tick between samples). */
export function formatAge(startedAt: number | null, now: number | null): string {
  if (startedAt === null || now === null) return '–'
  return formatUptime((now - startedAt) / 1000)
}

export function formatPercent(n: number): string {
  return `${n.toFixed(n < 10 ? 1 : 0)} %`
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
