// A lab process's activity in words: "waiting for printer-lock (1.2s)", "waiting in get on orders",
// "joining Process-2", "sleeping". The fold (src-shared/folds/activity.ts) says what it is doing;
// this says it in the user's language, with the shared objects' and processes' names.
import { useI18n } from 'vue-i18n'
import { activityParts, type ProcessActivity } from '../../../src-shared/folds/activity'
import type { WaitOn } from '../../../src-shared/events'
import { useUnits } from '../../shared/composables/useUnits'
import { useObjectsStore } from '../objects/objects'
import { useRunStore } from './run'

/** The message of each kind of wait (vue-i18n keys cannot hold the dots of 'queue.get'). */
const WAIT_KEYS: Record<WaitOn | 'lock', string> = {
  lock: 'lock',
  'queue.get': 'queueGet',
  'queue.put': 'queuePut',
  'queue.join': 'queueJoin',
  'pipe.recv': 'pipeRecv',
  'pipe.send': 'pipeSend',
  join: 'join',
  event: 'event',
  condition: 'condition',
  barrier: 'barrier',
  sleep: 'sleep',
}

export interface ActivityText {
  /** Fits a table cell as 'running' does: waiting, sleeping or joining. */
  short: string
  /** The sentence, with how long it has waited (and its other waits, if any). */
  full: string
}

/**
 * A wait is shown once it has lasted this long: a loop that polls with short sleeps would make
 * the State flicker between running and sleeping many times a second, which nobody can read.
 */
export const SHOWN_AFTER_US = 250_000

export function useActivityText() {
  const { t } = useI18n()
  const units = useUnits()
  const objects = useObjectsStore()
  const run = useRunStore()
  const names = {
    objectName: (oid: string) => objects.objects[oid]?.name,
    processName: (lid: string) => run.processes[lid]?.name,
  }
  /** The words for a live process that is waiting; null when it is simply running. */
  /** The words for a live process that is waiting: `short` for a table cell, `full` with the time waited; null when it simply runs. */
  return (activity: ProcessActivity | undefined, nowUs: number): ActivityText | null => {
    if (!activity) return null
    const parts = activityParts(activity, names, nowUs)
    if (parts.key === 'running' || parts.key === 'exited' || (parts.waitedUs ?? 0) < SHOWN_AFTER_US) return null
    const values = { object: parts.objectName ?? '?', target: parts.targetName ?? '?', duration: units.micros(parts.waitedUs ?? 0) }
    const key = WAIT_KEYS[parts.key]
    const full = t(`lab.activity.${key}`, values)
    const word = parts.key === 'sleep' ? 'sleeping' : parts.key === 'join' ? 'joining' : 'waiting'
    return { short: t(`lab.activityShort.${word}`), full: parts.others > 0 ? t('lab.activity.more', { text: full, n: parts.others }) : full }
  }
}
