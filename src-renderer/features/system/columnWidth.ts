/**
 * The System table's Command column, in rem: at least `min` and at most `max` wide. The column
 * also takes whatever width the other columns leave, so `initial` is only its least width.
 */
export const COMMAND_COLUMN = { min: 12, max: 240, initial: 12 } as const

/** A remembered width within the limits, else nothing (a hand edit or an older format). */
export function parseColumnWidth(raw: string): number | undefined {
  const rem = Number(raw)
  return Number.isFinite(rem) && rem >= COMMAND_COLUMN.min && rem <= COMMAND_COLUMN.max ? rem : undefined
}
