// What the broker accepts from a lab socket. Anything may arrive there (a bug, a stray client), so
// every message is checked against its op's shape before it is handled; a message that fails is
// refused, never half-handled. `call` and `tell` come by the 100,000 a second: their checks are a
// few typeofs, written out by hand.
import { STEP_OPS } from '../../../src-shared/events'
import type { Opening, UpMessage } from '../protocol'

type Field = (value: unknown) => boolean

const isString: Field = (value) => typeof value === 'string'
const isBoolean: Field = (value) => typeof value === 'boolean'
const isNumber: Field = (value) => typeof value === 'number'
const isTime: Field = (value) => typeof value === 'number' && Number.isFinite(value)
const isPid: Field = (value) => typeof value === 'number' && Number.isSafeInteger(value) && value > 0
/** A number a process gives its own things (its waits): a positive whole number. */
const isSerial: Field = (value) => typeof value === 'number' && Number.isSafeInteger(value) && value > 0
const isBytes: Field = (value) => value instanceof Uint8Array
const isRecord: Field = (value) => typeof value === 'object' && value !== null && !Array.isArray(value)
const isStrings: Field = (value) => Array.isArray(value) && value.every(isString)
const isExitCode: Field = (value) => value === null || (typeof value === 'number' && Number.isSafeInteger(value))
const isSignal: Field = (value) => value === null || typeof value === 'string'
const isStream: Field = (value) => value === 'stdout' || value === 'stderr'
const isStringOrNull: Field = (value) => value === null || (typeof value === 'string' && value.length <= 1024)
const isStepOp: Field = (value) => (STEP_OPS as readonly unknown[]).includes(value)

/** The fields each op needs, besides `op`; extra fields are ignored. */
const UP_FIELDS: { [Op in UpMessage['op']]: Record<string, Field> } = {
  call: { rid: isNumber, oid: isString, method: isString },
  tell: { oid: isString, method: isString },
  spec: { rid: isNumber },
  spare: { rid: isNumber },
  spawn: { rid: isNumber, lid: isString, name: isString, daemon: isBoolean, target: isString, spec: isBytes, holds: isStrings },
  spawned: { lid: isString, pid: isPid, at: isTime },
  'spawn-failed': { lid: isString, error: isString },
  exited: { lid: isString, exitCode: isExitCode, signal: isSignal, at: isTime },
  create: { oid: isString, type: isString, name: isString, options: isRecord },
  'main-error': { message: isString },
  'os-spawned': { pid: isPid, command: isString, at: isTime },
  'os-reaped': { pid: isPid, exitCode: isExitCode, signal: isSignal, at: isTime },
  // What each field may hold is checked where the wait is known (supervisor/waits.ts).
  wait: { wait: isSerial, on: isString, waitedUs: isTime },
  resume: { wait: isSerial, outcome: isString, waitedUs: isTime },
  at: { stepOp: isStepOp, object: isStringOrNull, line: isStringOrNull },
}

const OPENING_FIELDS: { [Op in Opening['op']]: Record<string, Field> } = {
  control: { lid: isString, pid: isPid, token: isString },
  down: { lid: isString, pid: isPid, token: isString },
  stdio: { lid: isString, stream: isStream, token: isString },
}

/** Null when `message` is a well-formed UpMessage; else what is wrong with it. */
export function upMessageProblem(message: unknown): string | null {
  if (typeof message !== 'object' || message === null) return `a message must be an object, got ${kindOf(message)}`
  const m = message as Record<string, unknown>
  // The hot path: checked inline, no table lookup.
  if (m.op === 'call') return typeof m.rid === 'number' && typeof m.oid === 'string' && typeof m.method === 'string' ? null : fieldProblem(m, UP_FIELDS.call)
  if (m.op === 'tell') return typeof m.oid === 'string' && typeof m.method === 'string' ? null : fieldProblem(m, UP_FIELDS.tell)
  const fields = typeof m.op === 'string' && Object.hasOwn(UP_FIELDS, m.op) ? UP_FIELDS[m.op as UpMessage['op']] : null
  return fields ? fieldProblem(m, fields) : `unknown message op ${kindOf(m.op)}`
}

export function isUpMessage(message: unknown): message is UpMessage {
  return upMessageProblem(message) === null
}

/** The opening, or what is wrong with what came instead. */
export function checkOpening(value: unknown): Opening | string {
  if (typeof value !== 'object' || value === null) return `an opening must be an object, got ${kindOf(value)}`
  const m = value as Record<string, unknown>
  const fields = typeof m.op === 'string' && Object.hasOwn(OPENING_FIELDS, m.op) ? OPENING_FIELDS[m.op as Opening['op']] : null
  if (!fields) return `unknown opening op ${kindOf(m.op)}`
  return fieldProblem(m, fields) ?? (value as Opening)
}

function fieldProblem(message: Record<string, unknown>, fields: Record<string, Field>): string | null {
  for (const [name, valid] of Object.entries(fields)) {
    if (!valid(message[name])) return `'${String(message.op)}' with a bad '${name}' (${kindOf(message[name])})`
  }
  return null
}

/** A short, safe description of a value of unknown type (never its content, which may be huge). */
function kindOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (value instanceof Uint8Array) return 'bytes'
  if (typeof value === 'string') return value.length <= 40 ? JSON.stringify(value) : 'a long string'
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return typeof value
}
