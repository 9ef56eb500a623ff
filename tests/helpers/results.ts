/** Lab scripts in tests report facts on stdout as `RESULT <json>`; this merges them back. */
export function results(lines: string[]): Record<string, unknown> {
  return Object.assign({}, ...lines.filter((line) => line.startsWith('RESULT ')).map((line) => JSON.parse(line.slice(7)) as object))
}
