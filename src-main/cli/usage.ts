/** A mistake in how the command was called: the CLI prints it with the help text, exit code 2. */
export class UsageError extends Error {}

export function positiveInt(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined
  const number = Number(value)
  if (!Number.isInteger(number) || number < 0) throw new UsageError(`${option} takes a whole number, got '${value}'`)
  return number
}

/** The session-log options shared by run and serve: --log FILE, or --no-log. */
export const LOG_OPTIONS = { log: { type: 'string' }, 'no-log': { type: 'boolean' } } as const

export function sessionLogOption(values: { log?: string; 'no-log'?: boolean }): string | false | undefined {
  if (values['no-log'] && values.log !== undefined) throw new UsageError('--log and --no-log contradict each other')
  return values['no-log'] ? false : values.log
}
