import type { LabEvent } from '../../../src-shared/events'
import { noteText } from './noteText'
import type { Units } from '../../shared/composables/units'

type T = (key: string, named?: Record<string, unknown>) => string

/** One line about an event for the details drawer: its numbers, in the user's language. */
export function eventDetail(t: T, units: Units, event: LabEvent): string {
  const object = 'object' in event ? String(event.object) : ''
  switch (event.kind) {
    case 'process.start':
      return t('lab.events.start', { target: event.target, ppid: event.ppid })
    case 'process.exit':
    case 'os.exit':
      return t('lab.events.exit', { code: event.exitCode ?? '?', signal: event.signal ?? '–' })
    case 'os.start':
      return t('lab.events.start', { target: event.command, ppid: event.ppid })
    case 'process.zombie':
      return noteText((key, named) => t(key, named), { what: 'zombie', ppid: event.ppid })
    case 'process.reparent':
      return noteText((key, named) => t(key, named), { what: 'reparent', oldPpid: event.oldPpid, newPpid: event.newPpid, newParentName: event.newParentName })
    case 'user.kill':
      return event.ok ? t('lab.events.killOk', { signal: event.signal }) : t('lab.events.killFailed', { signal: event.signal, error: event.error ?? '' })
    case 'user.join':
      return event.timedOut ? t('lab.events.joinTimedOut') : t('lab.events.joined', { code: event.exitCode ?? '?' })
    case 'lock.acquire':
    case 'lock.timeout':
      return t('lab.events.waited', { object, time: units.micros(event.waitedUs) })
    case 'lock.release':
    case 'lock.abandoned':
      return t('lab.events.held', { object, time: units.micros(event.heldUs) })
    case 'queue.put':
    case 'queue.get':
    case 'queue.full':
    case 'queue.empty':
      return t('lab.events.depth', { object, depth: event.depth })
    // Manager proxies (issue 16): the call as code, which reads the same in every language.
    case 'manager.read':
    case 'manager.write':
      return `${object}: ${event.op}(${event.key ?? ''})`
    case 'manager.refused':
      return `${object}: ${event.op}(${event.key ?? ''}): ${event.error}`
    default:
      return object
  }
}
