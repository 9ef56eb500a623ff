// What a UI may take on trust about an event of a known kind. The reader checks only the stamp
// (seq, t, kind), and exporters read every other field loosely; but the replay hands events to
// the renderer, whose models use `line` as a string and `lid` as a key. A session file is data
// from disk (edited, damaged, from another version), so the replay checks each known kind's
// fields first, and counts an event that fails as a damaged line.
import type { EventKind } from '../../src-shared/events'

/** A trailing `?`: the field may be absent (older files, the synthetic sessions), but not of another type. */
type FieldType = 'string' | 'number' | 'boolean' | 'string|null' | 'number|null' | 'end' | 'samples' | 'entries' | 'cycle' | 'lids' | 'texts'
type Field = FieldType | `${FieldType}?`
type Shape = Readonly<Record<string, Field>>

const PROCESS: Shape = { lid: 'string', pid: 'number' }
const OBJECT: Shape = { ...PROCESS, object: 'string' }

const SHAPES: Readonly<Record<EventKind, Shape>> = {
  'run.start': { title: 'string', source: 'string' },
  'run.end': { ok: 'boolean', error: 'string|null', durationUs: 'number?', stopped: 'boolean?', pausedUs: 'number?' },
  'run.paused': { processes: 'number' },
  'run.resumed': { pausedUs: 'number', held: 'number', reason: 'string' },
  'run.step': PROCESS,
  'process.at': { ...PROCESS, op: 'string', object: 'string|null', line: 'string|null' },
  'object.items': { object: 'string', part: 'number|null', items: 'texts', total: 'number' },
  'process.start': { ...PROCESS, ppid: 'number?', name: 'string', daemon: 'boolean?', parentLid: 'string|null?', target: 'string?' },
  'process.exit': { ...PROCESS, exitCode: 'number|null', signal: 'string|null' },
  stdout: { ...PROCESS, line: 'string' },
  stderr: { ...PROCESS, line: 'string' },
  'user.kill': { pid: 'number', lid: 'string|null', signal: 'string', ok: 'boolean', error: 'string|null' },
  'user.join': { pid: 'number', lid: 'string', exitCode: 'number|null', timedOut: 'boolean' },
  'user.run': { source: 'string', ok: 'boolean', error: 'string|null', startedRunId: 'string|null' },
  'user.stop': { ok: 'boolean', stopped: 'boolean', error: 'string|null' },
  'user.export': { session: 'string', format: 'string', ok: 'boolean', path: 'string|null', error: 'string|null' },
  'monitor.sample': { processes: 'samples' },
  'object.create': { ...OBJECT, type: 'string', name: 'string', capacity: 'number|null?' },
  'lock.request': OBJECT,
  'lock.acquire': { ...OBJECT, waitedUs: 'number?', depth: 'number?' },
  'lock.release': { ...OBJECT, heldUs: 'number?', depth: 'number?' },
  'lock.timeout': { ...OBJECT, waitedUs: 'number?' },
  'lock.cancel': { ...OBJECT, waitedUs: 'number?' },
  'lock.abandoned': { ...OBJECT, heldUs: 'number?' },
  'lock.summary': { ...OBJECT, acquires: 'number', releases: 'number' },
  'queue.put': { ...OBJECT, depth: 'number', count: 'number?' },
  'queue.get': { ...OBJECT, depth: 'number', count: 'number?' },
  'queue.full': { ...OBJECT, depth: 'number' },
  'queue.empty': { ...OBJECT, depth: 'number' },
  'pipe.send': { ...OBJECT, end: 'end?', bytes: 'number|null?', count: 'number?', sized: 'number?' },
  'pipe.recv': { ...OBJECT, end: 'end?', bytes: 'number|null?', count: 'number?', sized: 'number?' },
  'pipe.close': { ...OBJECT, end: 'end?' },
  'pipe.eof': { ...OBJECT, end: 'end?' },
  'value.counts': { ...OBJECT, reads: 'number', writes: 'number', acquires: 'number', contended: 'number' },
  'manager.read': { ...OBJECT, op: 'string', key: 'string|null', size: 'number' },
  'manager.write': { ...OBJECT, op: 'string', key: 'string|null', size: 'number', entries: 'entries?', more: 'number' },
  'manager.refused': { ...OBJECT, op: 'string', key: 'string|null', error: 'string' },
  // Pool (issue 16)
  'pool.queued': { ...OBJECT, tasks: 'number', chunks: 'number', chunkSize: 'number' },
  'pool.start': { ...OBJECT, chunk: 'number', tasks: 'number' },
  'pool.done': { ...OBJECT, chunk: 'number', tasks: 'number' },
  'pool.failed': { ...OBJECT, chunk: 'number', tasks: 'number', error: 'string' },
  'pool.summary': { ...OBJECT, chunks: 'number', done: 'number', failed: 'number', durationUs: 'number', error: 'string|null' },
  'pool.worker': { ...OBJECT, replaces: 'string|null', reason: 'string|null' },
  'pool.close': { ...OBJECT, terminated: 'boolean' },
  'lab.error': { message: 'string' },
  'session.stopped': { file: 'string', error: 'string' },
  // Issue 16, real zombies and orphans.
  'os.start': { ...PROCESS, ppid: 'number', parentLid: 'string', command: 'string' },
  'os.exit': { ...PROCESS, exitCode: 'number|null', signal: 'string|null', reapedBy: 'string' },
  'process.zombie': { ...PROCESS, ppid: 'number' },
  'process.reparent': { ...PROCESS, oldPpid: 'number', newPpid: 'number', newParentName: 'string|null' },
  // Issue 16, what a process is blocked on (the fold reads `on` and `outcome` as it finds them).
  'process.wait': { ...PROCESS, wait: 'number', on: 'string', object: 'string|null', target: 'string|null', timeoutMs: 'number|null', waitedUs: 'number' },
  'process.resume': { ...PROCESS, wait: 'number', outcome: 'string', waitedUs: 'number' },
  // Issue 17, deadlocks named.
  'deadlock.found': { deadlock: 'number', cycle: 'cycle', stuck: 'lids' },
  'deadlock.cleared': { deadlock: 'number', by: 'string', reason: 'string' },
  'process.stuck': { ...PROCESS, wait: 'number', on: 'string', object: 'string' },
}

/** The shapes as lists, made once: shapeProblem runs for every event of a replayed file. */
const FIELDS = new Map(
  Object.entries(SHAPES).map(([kind, shape]) => [
    kind,
    Object.entries(shape).map(([field, spec]) => ({ field, spec, type: spec.replace('?', '') as FieldType, optional: spec.endsWith('?') })),
  ]),
)

/**
 * Why an event of a known kind cannot be shown (its first bad field), or null when it can.
 * Kinds this version does not know pass: UIs show them generically or not at all.
 */
export function shapeProblem(event: Record<string, unknown>): string | null {
  const fields = FIELDS.get(event.kind as string)
  if (!fields) return null
  if (event.runId !== null && event.runId !== undefined && typeof event.runId !== 'string') return 'its runId is not a string'
  for (const { field, spec, type, optional } of fields) {
    const value = event[field]
    if (value === undefined && optional) continue
    if (!fits(value, type)) return `its ${field} is not ${describe(spec)}`
  }
  return null
}

function fits(value: unknown, type: FieldType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string'
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
    case 'boolean':
      return typeof value === 'boolean'
    case 'string|null':
      return value === null || typeof value === 'string'
    case 'number|null':
      return value === null || (typeof value === 'number' && Number.isFinite(value))
    case 'end':
      return value === 0 || value === 1
    case 'samples':
      return Array.isArray(value) && value.every((s) => typeof s === 'object' && s !== null && typeof s.lid === 'string' && fits(s.pid, 'number') && fits(s.cpu, 'number') && fits(s.rss, 'number'))
    case 'entries':
      return Array.isArray(value) && value.every((e) => typeof e === 'object' && e !== null && typeof e.key === 'string' && typeof e.value === 'string')
    case 'cycle':
      return Array.isArray(value) && value.length > 0 && value.every((l) => typeof l === 'object' && l !== null && typeof l.lid === 'string' && fits(l.pid, 'number') && typeof l.waitsFor === 'string')
    case 'lids':
    case 'texts':
      return Array.isArray(value) && value.every((text) => typeof text === 'string')
  }
}

function describe(spec: Field): string {
  const type = spec.replace('?', '')
  if (type === 'end') return '0 or 1'
  if (type === 'samples') return 'a list of process samples'
  if (type === 'entries') return 'a list of { key, value } previews'
  if (type === 'cycle') return 'a list of { lid, pid, waitsFor } links'
  if (type === 'lids') return 'a list of lids'
  if (type === 'texts') return 'a list of texts'
  return `a ${type.replace('|null', ' or null')}`
}
