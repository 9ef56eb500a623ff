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
  lock: 'lab.activity.lock',
  'queue.get': 'lab.activity.queueGet',
  'queue.put': 'lab.activity.queuePut',
  'queue.join': 'lab.activity.queueJoin',
  'pipe.recv': 'lab.activity.pipeRecv',
  'pipe.send': 'lab.activity.pipeSend',
  join: 'lab.activity.join',
  event: 'lab.activity.event',
  condition: 'lab.activity.condition',
  barrier: 'lab.activity.barrier',
  sleep: 'lab.activity.sleep',
}

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
  return (activity: ProcessActivity | undefined, nowUs: number): string | null => {
    if (!activity) return null
    const parts = activityParts(activity, names, nowUs)
    if (parts.key === 'running' || parts.key === 'exited') return null
    const text = t(WAIT_KEYS[parts.key], { object: parts.objectName ?? '?', target: parts.targetName ?? '?', duration: units.micros(parts.waitedUs ?? 0) })
    return parts.others > 0 ? t('lab.activity.more', { text, n: parts.others }) : text
  }
}
