// Draws the Gantt on a canvas: thousands of spans and ticks at up to 60 frames a second would be
// too many DOM nodes. Everything a user learns from the picture is also in the text alternative
// (TimelineTable.vue); colours come from the theme's CSS variables, so both schemes keep contrast.
import { openSpans, spanWindow, ticksIn, type Lane, type Span, type TaskSpan, type Tick, type TimelineModel, type WaitSpan } from './timelineModel'
import { axisStep } from './timelineViewport'
import { cssColorReader } from '../../shared/composables/cssColor'

export const LABEL_W = 190
export const AXIS_H = 24
export const LANE_H = 34
/** Where a lane's parts sit, from its top. */
const BAND = { lifeTop: 6, lifeH: 18, spanTop: 8, spanH: 14, tickTop: 25, tickH: 7 }

export interface Theme {
  bg: string
  surface: string
  surface2: string
  text: string
  muted: string
  border: string
  control: string
  danger: string
  focus: string
  accent: string
  palette: string[]
  font: string
}

/** The theme's colours, read from the element's computed style (app.css's variables). */
export function readTheme(el: Element): Theme {
  const style = getComputedStyle(el)
  const v = cssColorReader(el.parentElement ?? el)
  return {
    bg: v('--bg'),
    surface: v('--surface'),
    surface2: v('--surface-2'),
    text: v('--text'),
    muted: v('--muted'),
    border: v('--border'),
    control: v('--control-border'),
    danger: v('--danger'),
    focus: v('--focus'),
    accent: v('--accent'),
    palette: Array.from({ length: 8 }, (_, i) => v(`--pc-${i}`)),
    font: style.fontFamily || 'sans-serif',
  }
}

export interface Scene {
  model: TimelineModel
  lanes: Lane[]
  /** Colour index of each lane (the run's process colour). */
  colorOf: (lid: string) => number
  range: { start: number; end: number }
  /** Where an open lane or span ends now. */
  now: number
  width: number
  height: number
  scrollTop: number
  showOutput: boolean
  theme: Theme
  /** The keyboard cursor: a lane row and a time, or null. */
  cursor: { row: number; t: number } | null
  labels: { running: string; paused: string; exit: (lane: Lane) => string; seconds: (seconds: number, digits: number) => string; blocked: (span: WaitSpan) => string }
}

export function xOf(scene: Pick<Scene, 'range' | 'width'>, t: number): number {
  const { start, end } = scene.range
  return LABEL_W + ((t - start) / Math.max(1, end - start)) * (scene.width - LABEL_W)
}

export function tOf(scene: Pick<Scene, 'range' | 'width'>, x: number): number {
  const { start, end } = scene.range
  return start + ((x - LABEL_W) / Math.max(1, scene.width - LABEL_W)) * (end - start)
}

export function rowTop(scene: Pick<Scene, 'scrollTop'>, row: number): number {
  return AXIS_H + row * LANE_H - scene.scrollTop
}

export function drawScene(ctx: CanvasRenderingContext2D, scene: Scene): void {
  const { theme, width, height } = scene
  ctx.clearRect(0, 0, width, height)
  ctx.fillStyle = theme.surface
  ctx.fillRect(0, 0, width, height)
  ctx.font = `12px ${theme.font}`
  ctx.textBaseline = 'middle'
  const first = Math.max(0, Math.floor(scene.scrollTop / LANE_H))
  const last = Math.min(scene.lanes.length, Math.ceil((scene.scrollTop + height - AXIS_H) / LANE_H))
  ctx.save()
  ctx.beginPath()
  ctx.rect(0, AXIS_H, width, height - AXIS_H)
  ctx.clip()
  for (let row = first; row < last; row++) drawLaneBackground(ctx, scene, row)
  drawPauses(ctx, scene)
  drawGrid(ctx, scene)
  for (let row = first; row < last; row++) drawLane(ctx, scene, row)
  drawTicks(ctx, scene, first, last)
  drawCursor(ctx, scene)
  ctx.restore()
  drawAxis(ctx, scene)
}

function drawLaneBackground(ctx: CanvasRenderingContext2D, scene: Scene, row: number): void {
  const y = rowTop(scene, row)
  ctx.fillStyle = row % 2 ? scene.theme.bg : scene.theme.surface
  ctx.fillRect(0, y, scene.width, LANE_H)
}

/** Gridline times: round steps counted from the run's start, which is what the labels say. */
function gridTimes(scene: Scene): { times: number[]; step: number; origin: number } {
  const { start, end } = scene.range
  const origin = scene.model.origin ?? start
  const step = axisStep(end - start)
  const times: number[] = []
  for (let t = origin + Math.ceil((start - origin) / step) * step; t <= end; t += step) times.push(t)
  return { times, step, origin }
}

function drawGrid(ctx: CanvasRenderingContext2D, scene: Scene): void {
  ctx.strokeStyle = scene.theme.border
  ctx.lineWidth = 1
  ctx.beginPath()
  for (const t of gridTimes(scene).times) {
    const x = Math.round(xOf(scene, t)) + 0.5
    ctx.moveTo(x, AXIS_H)
    ctx.lineTo(x, scene.height)
  }
  ctx.stroke()
}

/** Seconds since the run started, to the precision the step needs. */
export function axisLabel(scene: Pick<Scene, 'labels'>, t: number, origin: number, step: number): string {
  const digits = step >= 1e6 ? 0 : step >= 1e5 ? 1 : step >= 1e4 ? 2 : 3
  return scene.labels.seconds((t - origin) / 1e6, digits)
}

function drawAxis(ctx: CanvasRenderingContext2D, scene: Scene): void {
  const { theme } = scene
  ctx.fillStyle = theme.surface2
  ctx.fillRect(0, 0, scene.width, AXIS_H)
  ctx.strokeStyle = theme.control
  ctx.beginPath()
  ctx.moveTo(0, AXIS_H - 0.5)
  ctx.lineTo(scene.width, AXIS_H - 0.5)
  ctx.stroke()
  const { times, step, origin } = gridTimes(scene)
  ctx.fillStyle = theme.text
  ctx.textAlign = 'left'
  for (const t of times) {
    const x = xOf(scene, t)
    if (x > scene.width - 40) continue
    ctx.fillText(axisLabel(scene, t, origin, step), x + 3, AXIS_H / 2)
  }
  drawPauseLabels(ctx, scene)
  ctx.fillStyle = theme.surface2
  ctx.fillRect(0, 0, LABEL_W, AXIS_H)
}

/** The pauses' x ranges on screen, clipped to the chart (an open pause reaches "now"). */
function visiblePauses(scene: Scene): Array<{ x0: number; x1: number }> {
  return scene.model.pauses.flatMap((pause) => {
    const x0 = Math.max(LABEL_W, xOf(scene, pause.start))
    const x1 = Math.min(scene.width, xOf(scene, pause.end ?? scene.now))
    return x1 > LABEL_W && x0 < scene.width ? [{ x0, x1: Math.max(x1, x0 + 2) }] : []
  })
}

/**
 * The run was paused (issue 17): a hatched band across every lane, edged by two lines in the
 * controls' border colour (3:1 against the lanes in both schemes), so nothing drawn in it is read as
 * the processes' doing.
 */
function drawPauses(ctx: CanvasRenderingContext2D, scene: Scene): void {
  const { theme } = scene
  for (const { x0, x1 } of visiblePauses(scene)) {
    ctx.fillStyle = hatch(ctx, theme.border)
    ctx.fillRect(x0, AXIS_H, x1 - x0, scene.height - AXIS_H)
    ctx.strokeStyle = theme.control
    ctx.lineWidth = 1
    ctx.beginPath()
    for (const x of [x0, x1]) {
      ctx.moveTo(Math.round(x) + 0.5, AXIS_H)
      ctx.lineTo(Math.round(x) + 0.5, scene.height)
    }
    ctx.stroke()
  }
}

/** "paused" on the axis above each band wide enough to hold the word. */
function drawPauseLabels(ctx: CanvasRenderingContext2D, scene: Scene): void {
  const { theme } = scene
  for (const { x0, x1 } of visiblePauses(scene)) {
    ctx.fillStyle = theme.surface
    ctx.fillRect(x0, 2, x1 - x0, AXIS_H - 4)
    const width = ctx.measureText(scene.labels.paused).width
    if (x1 - x0 < width + 6) continue
    ctx.fillStyle = theme.text
    ctx.textAlign = 'left'
    ctx.fillText(scene.labels.paused, x0 + 3, AXIS_H / 2)
  }
}

function drawLane(ctx: CanvasRenderingContext2D, scene: Scene, row: number): void {
  const lane = scene.lanes[row]!
  const y = rowTop(scene, row)
  drawLife(ctx, scene, lane, y)
  // A pool worker's tasks under everything: the locks a task takes show over the task.
  drawSpans(ctx, scene, lane, y, 'task')
  // A blocking call (a get, a join, a sleep) under the lock spans: a lock wait inside it stays visible.
  drawSpans(ctx, scene, lane, y, 'blocked')
  // Waits first, holds over them: a process waiting for one lock while holding another shows both.
  drawSpans(ctx, scene, lane, y, 'wait')
  drawSpans(ctx, scene, lane, y, 'hold')
  drawLifeEnd(ctx, scene, lane, y)
  drawLabel(ctx, scene, lane, y)
}

function drawLife(ctx: CanvasRenderingContext2D, scene: Scene, lane: Lane, y: number): void {
  const { theme } = scene
  const x0 = Math.max(LABEL_W, xOf(scene, lane.start))
  const endT = lane.end ?? scene.now
  const x1 = Math.min(scene.width, xOf(scene, endT))
  if (x1 < LABEL_W || x0 > scene.width) return
  ctx.fillStyle = theme.surface2
  ctx.fillRect(x0, y + BAND.lifeTop, Math.max(1, x1 - x0), BAND.lifeH)
  ctx.strokeStyle = theme.palette[scene.colorOf(lane.lid) % 8]!
  ctx.lineWidth = 2
  ctx.beginPath()
  ctx.moveTo(x0, y + BAND.lifeTop + BAND.lifeH)
  ctx.lineTo(x1, y + BAND.lifeTop + BAND.lifeH)
  ctx.stroke()
}

/** The end of a lane says how it ended (exit code or signal), or that it still runs. */
function drawLifeEnd(ctx: CanvasRenderingContext2D, scene: Scene, lane: Lane, y: number): void {
  const { theme } = scene
  const x = xOf(scene, lane.end ?? scene.now)
  if (x < LABEL_W || x > scene.width + 1) return
  const failed = lane.end !== null && lane.exitCode !== 0
  const text = lane.end === null ? scene.labels.running : scene.labels.exit(lane)
  ctx.strokeStyle = failed ? theme.danger : theme.text
  ctx.lineWidth = 2
  ctx.beginPath()
  ctx.moveTo(x, y + BAND.lifeTop - 2)
  ctx.lineTo(x, y + BAND.lifeTop + BAND.lifeH + 2)
  ctx.stroke()
  const w = ctx.measureText(text).width
  const tx = x + 4 + w < scene.width ? x + 4 : x - 4 - w
  if (tx < LABEL_W) return
  ctx.fillStyle = theme.surface
  ctx.fillRect(tx - 2, y + BAND.lifeTop + 1, w + 4, BAND.lifeH - 2)
  ctx.fillStyle = failed ? theme.danger : theme.text
  ctx.textAlign = 'left'
  ctx.fillText(text, tx, y + BAND.lifeTop + BAND.lifeH / 2)
}

const patterns = new Map<string, CanvasPattern | null>()

/** Diagonal hatching in the lock's colour: a wait reads as "not yet" without its colour. */
function hatch(ctx: CanvasRenderingContext2D, color: string): CanvasPattern | string {
  let pattern = patterns.get(color)
  if (pattern === undefined) {
    const tile = document.createElement('canvas')
    tile.width = 8
    tile.height = 8
    const t = tile.getContext('2d')!
    t.strokeStyle = color
    t.lineWidth = 2
    t.beginPath()
    t.moveTo(-2, 10)
    t.lineTo(10, -2)
    t.moveTo(6, 10)
    t.lineTo(10, 6)
    t.moveTo(-2, 2)
    t.lineTo(2, -2)
    t.stroke()
    pattern = ctx.createPattern(tile, 'repeat')
    patterns.set(color, pattern)
  }
  return pattern ?? color
}

export function lockColor(scene: Pick<Scene, 'model' | 'theme'>, object: string): string {
  const index = scene.model.objects[object]?.index ?? 0
  return scene.theme.palette[index % 8]!
}

/** The spans that may show in the range: a window of the closed ones (sorted by start), and the open ones. */
function visibleSpans(lane: Lane, from: number, to: number): Span[] {
  const { first, last } = spanWindow(lane, from, to)
  const closed = lane.spans.slice(first, last).filter((s) => s.end !== null)
  return closed.concat(openSpans(lane))
}

function drawSpans(ctx: CanvasRenderingContext2D, scene: Scene, lane: Lane, y: number, kind: Span['kind']): void {
  const { start, end } = scene.range
  let lastX = -Infinity
  for (const span of visibleSpans(lane, start, end)) {
    if (span.kind !== kind) continue
    const spanEnd = span.end ?? scene.now
    if (spanEnd < start || span.start > end) continue
    const x0 = Math.max(LABEL_W, xOf(scene, span.start))
    const x1 = Math.min(scene.width, xOf(scene, spanEnd))
    // Thousands of sub-pixel spans in one pixel column draw as one.
    if (x1 - x0 < 1 && Math.floor(x0) === lastX) continue
    lastX = Math.floor(x0)
    drawSpan(ctx, scene, span, x0, Math.max(1, x1 - x0), y + BAND.spanTop)
  }
}

function drawSpan(ctx: CanvasRenderingContext2D, scene: Scene, span: Span, x: number, w: number, y: number): void {
  if (span.kind === 'blocked') return drawBlockedSpan(ctx, scene, span, x, w, y)
  const color = lockColor(scene, span.object)
  const h = BAND.spanH
  if (span.kind === 'wait') {
    ctx.fillStyle = scene.theme.surface
    ctx.fillRect(x, y, w, h)
    ctx.fillStyle = hatch(ctx, color)
    ctx.fillRect(x, y, w, h)
    ctx.strokeStyle = color
    ctx.lineWidth = 1
    ctx.strokeRect(x + 0.5, y + 0.5, Math.max(0, w - 1), h - 1)
    return
  }
  if (span.kind === 'task') return drawTaskSpan(ctx, scene, span, color, x, w, y)
  ctx.fillStyle = color
  ctx.fillRect(x, y, w, h)
  if (span.outcome === 'abandoned') {
    ctx.fillStyle = scene.theme.danger
    ctx.fillRect(x + w - 3, y - 2, 3, h + 4)
  }
  const name = scene.model.objects[span.object]?.name ?? span.object
  const textW = ctx.measureText(name).width
  if (w < textW + 8) return
  // The page background on a palette colour: the same pair as the palette's text on the page.
  ctx.fillStyle = scene.theme.surface
  ctx.textAlign = 'left'
  ctx.fillText(name, x + 4, y + h / 2)
}

/**
 * A blocking call that lasted (a get, a recv, a join, a sleep): a dashed outline in the text's
 * colour over the page, unlike a lock's hatched wait or a task's coloured outline, with what it
 * waits in when there is room. It names no lock, so it takes no lock's colour.
 */
function drawBlockedSpan(ctx: CanvasRenderingContext2D, scene: Scene, span: WaitSpan, x: number, w: number, y: number): void {
  const h = BAND.spanH
  ctx.fillStyle = scene.theme.surface
  ctx.fillRect(x, y, w, h)
  ctx.strokeStyle = scene.theme.text
  ctx.lineWidth = 1
  ctx.setLineDash([4, 3])
  ctx.strokeRect(x + 0.5, y + 0.5, Math.max(0, w - 1), h - 1)
  ctx.setLineDash([])
  const name = scene.labels.blocked(span)
  if (w < ctx.measureText(name).width + 8) return
  ctx.fillStyle = scene.theme.text
  ctx.textAlign = 'left'
  ctx.fillText(name, x + 4, y + h / 2)
}

/**
 * A pool's chunk in its worker: an outline in the pool's colour over a light fill (so a lock held
 * inside the task still stands out), a danger mark at its end when it failed, and its pool's name
 * with the tasks it stands for when there is room.
 */
function drawTaskSpan(ctx: CanvasRenderingContext2D, scene: Scene, span: TaskSpan, color: string, x: number, w: number, y: number): void {
  const h = BAND.spanH
  ctx.fillStyle = scene.theme.surface2
  ctx.fillRect(x, y, w, h)
  ctx.strokeStyle = color
  ctx.lineWidth = 2
  ctx.strokeRect(x + 1, y + 1, Math.max(0, w - 2), h - 2)
  if (span.outcome === 'failed') {
    ctx.fillStyle = scene.theme.danger
    ctx.fillRect(x + w - 3, y - 2, 3, h + 4)
  }
  const name = scene.model.objects[span.object]?.name ?? span.object
  const text = span.tasks !== undefined && span.tasks !== 1 ? `${name} ×${span.tasks}` : name
  const textW = ctx.measureText(text).width
  if (w < textW + 8) return
  ctx.fillStyle = scene.theme.text
  ctx.textAlign = 'left'
  ctx.fillText(text, x + 4, y + h / 2)
}

function drawLabel(ctx: CanvasRenderingContext2D, scene: Scene, lane: Lane, y: number): void {
  const { theme } = scene
  ctx.fillStyle = theme.surface2
  ctx.fillRect(0, y, LABEL_W, LANE_H)
  ctx.fillStyle = theme.palette[scene.colorOf(lane.lid) % 8]!
  ctx.fillRect(6, y + LANE_H / 2 - 5, 10, 10)
  ctx.fillStyle = theme.text
  ctx.textAlign = 'left'
  const depth = depthOf(scene, lane)
  const text = `${lane.name} (${lane.pid})`
  ctx.fillText(fit(ctx, text, LABEL_W - 26 - depth * 8), 22 + depth * 8, y + LANE_H / 2)
  ctx.strokeStyle = theme.border
  ctx.beginPath()
  ctx.moveTo(LABEL_W - 0.5, y)
  ctx.lineTo(LABEL_W - 0.5, y + LANE_H)
  ctx.stroke()
}

/** How deep in the tree: children are indented under their parent, as in the process tree. */
function depthOf(scene: Scene, lane: Lane): number {
  let depth = 0
  let parent = lane.parentLid
  while (parent !== null && depth < 6) {
    const up = scene.model.lanes[parent]
    if (!up || up.lid === lane.lid) break
    depth++
    parent = up.parentLid
  }
  return depth
}

function fit(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text
  let cut = text.length
  while (cut > 1 && ctx.measureText(`${text.slice(0, cut)}…`).width > width) cut--
  return `${text.slice(0, cut)}…`
}

/** Refused puts/gets and EOF stand out (danger colour, taller); output is the quietest. */
export function tickStyle(tick: Tick): 'alert' | 'object' | 'output' | 'user' {
  if (tick.kind === 'queue.full' || tick.kind === 'queue.empty' || tick.kind === 'pipe.eof') return 'alert'
  if (tick.kind === 'stdout' || tick.kind === 'stderr') return 'output'
  if (tick.kind === 'user.kill' || tick.kind === 'user.join' || tick.kind === 'run.step') return 'user'
  return 'object'
}

function drawTicks(ctx: CanvasRenderingContext2D, scene: Scene, first: number, last: number): void {
  const rows = new Map<string, number>()
  for (let row = first; row < last; row++) rows.set(scene.lanes[row]!.lid, row)
  const { ticks } = scene.model
  const span = ticksIn(ticks, scene.range.start, scene.range.end)
  const lastX = new Map<string, number>()
  for (let i = span.first; i < span.last; i++) {
    const tick = ticks[i]!
    const row = rows.get(tick.lid)
    if (row === undefined) continue
    const style = tickStyle(tick)
    if (style === 'output' && !scene.showOutput) continue
    const x = Math.round(xOf(scene, tick.t))
    const key = `${row}:${style}`
    if (lastX.get(key) === x) continue
    lastX.set(key, x)
    drawTick(ctx, scene, style, tick, x + 0.5, rowTop(scene, row))
  }
}

function drawTick(ctx: CanvasRenderingContext2D, scene: Scene, style: ReturnType<typeof tickStyle>, tick: Tick, x: number, y: number): void {
  const { theme } = scene
  const color = style === 'alert' || style === 'user' ? theme.danger : style === 'output' ? theme.muted : tick.object ? lockColor(scene, tick.object) : theme.text
  ctx.strokeStyle = color
  ctx.lineWidth = style === 'alert' ? 2 : 1
  const top = y + BAND.tickTop - (style === 'alert' ? 4 : 0)
  const bottom = y + BAND.tickTop + (style === 'output' ? BAND.tickH - 3 : BAND.tickH)
  ctx.beginPath()
  ctx.moveTo(x, top)
  ctx.lineTo(x, bottom)
  ctx.stroke()
}

function drawCursor(ctx: CanvasRenderingContext2D, scene: Scene): void {
  const cursor = scene.cursor
  if (!cursor) return
  const y = rowTop(scene, cursor.row)
  ctx.strokeStyle = scene.theme.focus
  ctx.lineWidth = 2
  ctx.strokeRect(1, y + 1, scene.width - 2, LANE_H - 2)
  const x = xOf(scene, cursor.t)
  ctx.beginPath()
  ctx.moveTo(x, y)
  ctx.lineTo(x, y + LANE_H)
  ctx.stroke()
}

export type Hit = { lane: Lane; row: number; span: Span | null; tick: Tick | null; t: number }

/** What is under (x, y): a tick within 3 px wins over a span, a span over the bare lane. */
export function hitTest(scene: Scene, x: number, y: number): Hit | null {
  if (y < AXIS_H || x < LABEL_W) return null
  const row = Math.floor((y - AXIS_H + scene.scrollTop) / LANE_H)
  const lane = scene.lanes[row]
  if (!lane) return null
  return hitAt(scene, row, tOf(scene, x), y - rowTop(scene, row))
}

/** What is at time `t` on lane `row`; `dy` (px from the lane's top) picks ticks over spans. */
export function hitAt(scene: Scene, row: number, t: number, dy = BAND.spanTop): Hit | null {
  const lane = scene.lanes[row]
  if (!lane) return null
  const perPx = (scene.range.end - scene.range.start) / Math.max(1, scene.width - LABEL_W)
  const tick = dy >= BAND.tickTop - 6 ? nearestTick(scene, lane.lid, t, 3 * perPx) : null
  let span: Span | null = null
  for (const s of tick ? [] : visibleSpans(lane, t - perPx, t + perPx)) {
    if (s.start - perPx <= t && t <= (s.end ?? scene.now) + perPx && (!span || s.kind === 'hold')) span = s
  }
  return { lane, row, span, tick, t }
}

function nearestTick(scene: Scene, lid: string, t: number, slack: number): Tick | null {
  const { ticks } = scene.model
  const span = ticksIn(ticks, t - slack, t + slack)
  let best: Tick | null = null
  for (let i = span.first; i < span.last; i++) {
    const tick = ticks[i]!
    if (tick.lid !== lid || (!scene.showOutput && tickStyle(tick) === 'output')) continue
    if (!best || Math.abs(tick.t - t) < Math.abs(best.t - t)) best = tick
  }
  return best
}
