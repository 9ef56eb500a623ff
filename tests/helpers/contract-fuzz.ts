// Commands of the contract with a wrong value in one field at a time, for the fuzz tests of each
// transport. The fields come from the contract's own schemas, so a new command or field is fuzzed
// without anyone listing it here.
import type { z } from 'zod'
import { COMMAND_NAMES, commandSchemas, type CommandName } from '../../src-shared/contract'

/** The field names of each variant of a command's arguments (run.start has two). */
export function variantsOf(schema: z.ZodType): string[][] {
  const def = (schema as unknown as { def: { type: string; options?: z.ZodType[] } }).def
  if (def.type === 'union') return def.options!.flatMap(variantsOf)
  return [Object.keys((schema as unknown as { shape: Record<string, unknown> }).shape)]
}

/**
 * A value that passes for each field, so that a case changes one field only. Chosen so that a case
 * that passes anyway does no harm: a signal is SIGCONT to `targetPid` (the test's own sleeper), a
 * session is one that does not exist, a script is a path that does not exist.
 */
export function validFieldValues(targetPid: number): Record<string, unknown> {
  return {
    // Not a scenario: run.start with its language left out (an optional field) must not start a run.
    scenario: 'no-such-scenario',
    script: '/no/such/lab.mjs',
    pid: targetPid,
    signal: 'SIGCONT',
    tree: false,
    timeoutMs: 0,
    since: 1,
    id: 'session-2025-01-01T00-00-00-000Z-1.ndjson',
    runId: 'r1',
    format: 'csv',
    kinds: ['stdout'],
    fromUs: 0,
    toUs: 1,
  }
}

export interface CommandCase {
  cmd: CommandName
  args: unknown
  /** What was changed, for failure messages. */
  label: string
}

/**
 * Every command with each field (and one unexpected field) given each of `values` in turn, the
 * other fields valid; and each value as the whole arguments. run.start's fields are all replaced
 * by a wrong one or name no scenario, so no case starts a run.
 */
export function wrongFieldCases(values: readonly unknown[], targetPid: number): CommandCase[] {
  const valid = validFieldValues(targetPid)
  const cases: CommandCase[] = []
  for (const cmd of COMMAND_NAMES) {
    for (const fields of variantsOf(commandSchemas[cmd])) {
      const base: Record<string, unknown> = {}
      for (const field of fields) if (field in valid) base[field] = valid[field]
      for (const field of [...fields, 'unexpected']) {
        values.forEach((value, i) => cases.push({ cmd, args: { ...base, [field]: value }, label: `${cmd} ${field}=value#${i}` }))
      }
    }
    values.forEach((args, i) => cases.push({ cmd, args, label: `${cmd} args=value#${i}` }))
  }
  return cases
}
