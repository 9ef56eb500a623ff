// What a recorded run ran and how it ended, in the user's terms: a scenario by its id, a script by
// its file name, and ok / failed / stopped / unfinished. `proclab sessions` prints it; the Sessions
// tab lists it (sessions.list's `ran`).
import type { RunSummary } from '../../src-shared/contract'
import { SCENARIOS } from '../scenarios/catalog'
import type { RunDetail } from './catalog'

/** Characters of a failed run's error kept in a summary (its first line only). */
const ERROR_KEPT = 300

export function summarizeRun(run: RunDetail): RunSummary {
  const { name, kind } = nameOf(run.source)
  const result = run.ok === null ? 'unfinished' : run.stopped ? 'stopped' : run.ok ? 'ok' : 'failed'
  const seconds = run.endT === null ? null : (run.endT - run.startT) / 1e6
  const error = run.error === null ? null : cut(run.error.split('\n')[0]!, ERROR_KEPT)
  return { runId: run.runId, name: name ?? run.title, kind, result, error, seconds }
}

/** A built-in scenario by its id (its script sits in a `scenarios` folder under its own file name); a script by its file name. */
function nameOf(source: string | null): { name: string | null; kind: RunSummary['kind'] } {
  if (source === null) return { name: null, kind: 'unknown' }
  const parts = source.split(/[\\/]/)
  const file = parts.at(-1)!
  const scenario = parts.at(-2) === 'scenarios' ? SCENARIOS.find((s) => s.file === file) : undefined
  return scenario ? { name: scenario.id, kind: 'scenario' } : { name: file, kind: 'script' }
}

function cut(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text
}
