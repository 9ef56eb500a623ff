/** A mistake in how the command was called: the CLI prints it with the help text, exit code 2. */
export class UsageError extends Error {}

export function positiveInt(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined
  const number = Number(value)
  if (!Number.isInteger(number) || number < 0) throw new UsageError(`${option} takes a whole number, got '${value}'`)
  return number
}
