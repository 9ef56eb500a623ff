// Where an uncaught error of a run was thrown in the script on screen: the lab runtime prints each
// one to the process's stderr as a header ("Error in …"), the error's first line and its stack.
// The first frame of the stack that is in the script gives the line (tsx maps .ts frames back to
// the TypeScript source); the error's own line is the message. Pure, so it is tested without a page.

export interface ScriptError {
  /** 1-based, as stacks and editors count. */
  line: number
  column: number
  message: string
  /** The process that threw it (its name). */
  process: string
}

export interface StderrLine {
  lid: string
  stream: 'stdout' | 'stderr'
  text: string
}

const FRAME = /^\s+at\s/

/** A location of `fileName` in a stack frame: `…/name.mjs:12:5`, maybe inside `(…)`, maybe a file: URL. */
function locationIn(text: string, fileName: string): { line: number; column: number } | null {
  const escaped = fileName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const match = new RegExp(`[/\\\\]${escaped}:(\\d+)(?::(\\d+))?\\)?\\s*$`).exec(text)
  if (!match) return null
  return { line: Number(match[1]), column: Number(match[2] ?? 1) }
}

/**
 * The errors printed by the run's processes that point into `fileName`, one per error (its first
 * frame in the script), in the order they were printed.
 */
export function scriptErrors(lines: readonly StderrLine[], fileName: string, nameOf: (lid: string) => string): ScriptError[] {
  const errors: ScriptError[] = []
  // Per process: the last line that was not a frame (the error's message), and whether its stack already gave a line.
  const message = new Map<string, string>()
  const placed = new Set<string>()
  for (const { lid, stream, text } of lines) {
    if (stream !== 'stderr') continue
    if (!FRAME.test(text)) {
      message.set(lid, text.trim())
      placed.delete(lid)
      continue
    }
    if (placed.has(lid)) continue
    const at = locationIn(text, fileName)
    if (!at) continue
    placed.add(lid)
    errors.push({ ...at, message: message.get(lid) ?? '', process: nameOf(lid) })
  }
  return errors
}
