/**
 * The Lab view's pane sizes, as shares (percent) of the space two panes divide between them, so a
 * size chosen on one window fits another. `tree` is the process tree's share of the main column's
 * height (the output has the rest); `main` is the main column's share of the view's width (the side
 * column, with the details drawer and the shared objects, has the rest).
 */
export interface PaneSizes {
  tree: number
  main: number
}
export type PaneName = keyof PaneSizes

interface Limits {
  min: number
  max: number
  initial: number
}

/**
 * The limits leave each pane room for a heading and a few rows. The initial main share leaves the
 * tree's nine columns their width at 1280×720 with the drawer open (screen-sizes.spec.ts and
 * lab-layout.spec.ts measure it).
 */
export const PANE_LIMITS: Readonly<Record<PaneName, Limits>> = {
  tree: { min: 20, max: 80, initial: 50 },
  main: { min: 40, max: 80, initial: 72 },
}

export function initialPaneSizes(): PaneSizes {
  return { tree: PANE_LIMITS.tree.initial, main: PANE_LIMITS.main.initial }
}

export function clampShare(pane: PaneName, value: number): number {
  const { min, max } = PANE_LIMITS[pane]
  return Math.min(max, Math.max(min, value))
}

function validShare(pane: PaneName, value: unknown): value is number {
  const { min, max } = PANE_LIMITS[pane]
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max
}

/**
 * Sizes read back from storage: each pane's share if it is a number within its limits, else its
 * initial share (a hand edit or an older format must not leave a pane squeezed to nothing).
 */
export function parsePaneSizes(raw: string): PaneSizes {
  let stored: unknown
  try {
    stored = JSON.parse(raw)
  } catch {
    stored = null
  }
  const record = typeof stored === 'object' && stored !== null ? (stored as Record<string, unknown>) : {}
  const sizes = initialPaneSizes()
  for (const pane of Object.keys(sizes) as PaneName[]) {
    if (validShare(pane, record[pane])) sizes[pane] = record[pane]
  }
  return sizes
}
