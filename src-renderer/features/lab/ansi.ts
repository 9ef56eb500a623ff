// The colours a lab process prints with ANSI escape codes (SGR), as runs of text with classes the
// stylesheet colours per theme (app.css, --ansi-0 … --ansi-15: each one 4.5:1 or more against the
// output pane in its theme, so a user's colours cannot make output unreadable). Kept: the 16
// foreground colours (30–37, 90–97, and 38;5;0–15), bold, italic and underline. Left out, on
// purpose: backgrounds and the 256-colour and true-colour foregrounds (their contrast with the
// pane cannot be promised), and every other escape (cursor moves, titles), which is dropped.

/** A stretch of a line in one style; `cls` is '' for unstyled text. */
export interface StyledRun {
  text: string
  cls: string
}

export interface ParsedLine {
  /** The text without escape codes: what search, filters and copies use. */
  text: string
  /** The styled runs, or null when nothing in the line is styled (most lines). */
  runs: StyledRun[] | null
}

// CSI sequences (SGR and the rest) and OSC sequences (titles, links).
// eslint-disable-next-line no-control-regex
const ESCAPE = /\u001b\[([0-?]*)[ -/]*([@-~])|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g

interface Style {
  color: number | null
  bold: boolean
  italic: boolean
  underline: boolean
}

const PLAIN: Style = { color: null, bold: false, italic: false, underline: false }

function classOf(style: Style): string {
  const names: string[] = []
  if (style.color !== null) names.push(`ansi-${style.color}`)
  if (style.bold) names.push('ansi-bold')
  if (style.italic) names.push('ansi-italic')
  if (style.underline) names.push('ansi-underline')
  return names.join(' ')
}

/** The style after one SGR sequence's parameters ("1;32", "38;5;9", "" for a reset). */
export function applySgr(style: Style, params: string): Style {
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)))
  let next = { ...style }
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i]!
    if (code === 0) next = { ...PLAIN }
    else if (code === 1) next.bold = true
    else if (code === 3) next.italic = true
    else if (code === 4) next.underline = true
    else if (code === 22) next.bold = false
    else if (code === 23) next.italic = false
    else if (code === 24) next.underline = false
    else if (code >= 30 && code <= 37) next.color = code - 30
    else if (code >= 90 && code <= 97) next.color = code - 90 + 8
    else if (code === 39) next.color = null
    else if (code === 38 || code === 48) {
      // Extended colours: 5;n or 2;r;g;b. Only a foreground 5;n of the 16 base colours is kept.
      const mode = codes[i + 1]
      if (mode === 5) {
        const n = codes[i + 2]
        if (code === 38 && n !== undefined && n < 16) next.color = n
        i += 2
      } else if (mode === 2) {
        i += 4
      }
    }
  }
  return next
}

/** The line's plain text and, when it has any style, its styled runs. */
export function parseAnsi(line: string): ParsedLine {
  if (!line.includes('\u001b')) return { text: line, runs: null }
  const runs: StyledRun[] = []
  let style = PLAIN
  let text = ''
  let at = 0
  let styled = false
  const push = (part: string) => {
    if (part === '') return
    text += part
    const cls = classOf(style)
    if (cls !== '') styled = true
    const last = runs.at(-1)
    if (last && last.cls === cls) last.text += part
    else runs.push({ text: part, cls })
  }
  for (const match of line.matchAll(ESCAPE)) {
    push(line.slice(at, match.index))
    at = match.index + match[0].length
    if (match[2] === 'm') style = applySgr(style, match[1] ?? '')
  }
  push(line.slice(at))
  return { text, runs: styled ? runs : null }
}
