// The editor's completions and hovers come from the `proclab` module's own declarations: the
// extraction keeps what a lab script can use, with its JSDoc, and leaves out what it cannot.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { extractLabApi, LAB_API_ENTRY, LAB_API_JSON, labApiJson } from '../../scripts/lab-api-docs'
import { scriptDir } from '../helpers/lab'

const root = fileURLToPath(new URL('../..', import.meta.url))
let folder: ReturnType<typeof scriptDir> | null = null
afterEach(() => folder?.cleanup())

// The TypeScript checker reads the standard library (and for the lab, its API and Node's types):
// seconds apiece on a busy machine. The timeout is a hang guard, not a limit.
describe('lab API docs for the editor', { timeout: 120_000 }, () => {
  it('keeps exported names and public members with their JSDoc, and nothing private', () => {
    folder = scriptDir()
    folder.write(
      'widget.ts',
      `/** A thing that turns. */
export class Widget {
  /** How fast, in turns a second. */
  speed = 1
  private secret = 2
  protected inner = 3
  _hidden = 4
  /** Turns it \`n\` times. */
  async turn(n: number): Promise<void> {}
  /** Makes one. */
  static make(): Widget { return new Widget() }
  toRef(): string { return '' }
}
/** Waits \`ms\` milliseconds. */
export function pause(ms: number): Promise<void> { return new Promise((r) => setTimeout(r, ms)) }
export type Speed = 'slow' | 'fast'
const unexported = 1
`,
    )
    const entry = folder.write('index.ts', `export { Widget, pause, type Speed } from './widget'\n`)
    const api = extractLabApi(entry, [])
    expect(api.map((e) => [e.name, e.kind])).toEqual([
      ['pause', 'function'],
      ['Speed', 'type'],
      ['Widget', 'class'],
    ])
    const widget = api.find((e) => e.name === 'Widget')!
    expect(widget.doc).toBe('A thing that turns.')
    expect(widget.members).toEqual([
      { name: 'make', kind: 'method', detail: 'make(): Widget', doc: 'Makes one.', static: true },
      { name: 'speed', kind: 'property', detail: 'speed: number', doc: 'How fast, in turns a second.' },
      { name: 'turn', kind: 'method', detail: 'turn(n: number): Promise<void>', doc: 'Turns it `n` times.' },
    ])
    expect(api.find((e) => e.name === 'pause')).toEqual({ name: 'pause', kind: 'function', detail: 'function pause(ms: number): Promise<void>', doc: 'Waits `ms` milliseconds.' })
    expect(api.find((e) => e.name === 'Speed')?.detail).toBe(`type Speed = "slow" | "fast"`)
  })

  it('is up to date in the renderer: `npm run api-docs` after changing the lab API', () => {
    const fresh = extractLabApi(join(root, LAB_API_ENTRY))
    const process = fresh.find((e) => e.name === 'Process')
    expect(process?.members?.find((m) => m.name === 'join')?.doc).toMatch(/Waits for the process to end/)
    expect(fresh.map((e) => e.name)).toEqual(expect.arrayContaining(['Lock', 'Queue', 'Pipe', 'Value', 'Pool', 'sleep', 'currentProcess']))
    expect(readFileSync(join(root, LAB_API_JSON), 'utf8')).toBe(labApiJson(fresh))
  })
})
