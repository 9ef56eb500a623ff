// The Sessions tab's list: newest first, narrowed by what the user typed in the filter.
import type { Localized, RunSummary, SessionInfo } from '../../../src-shared/contract'
import { sessionName } from './sessionName'

/** A session file name carries its start (UTC): session-2025-01-31T14-05-09-123Z-4242.ndjson. */
const ID_TIME = /^session-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z-/

/** When the session started: its header's time, else the one in its name (an unreadable file has no header). */
export function startedAt(session: SessionInfo): number | null {
  if (session.startedAtWall !== null) return session.startedAtWall
  const m = ID_TIME.exec(session.id)
  return m ? Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`) : null
}

export function newestFirst(list: readonly SessionInfo[]): SessionInfo[] {
  return [...list].sort((a, b) => (startedAt(b) ?? -Infinity) - (startedAt(a) ?? -Infinity))
}

/** A run's name as the list shows it: a scenario's title in the user's language, a script's file name. */
export function runLabel(run: RunSummary, scenarioTitle: (id: string) => Localized | null, locale: string): string {
  if (run.kind !== 'scenario') return run.name
  const title = scenarioTitle(run.name)
  return title ? (locale === 'zh' ? title.zh || title.en : title.en) : run.name
}

/**
 * Whether a session matches the filter: every word typed (any case) is found in what it ran (a
 * scenario's id or either title, a script's name), when it started, or its file name.
 */
export function matchesFilter(session: SessionInfo, query: string, scenarioTitle: (id: string) => Localized | null): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length === 0) return true
  const ran = (session.ran ?? []).flatMap((run) => {
    const title = run.kind === 'scenario' ? scenarioTitle(run.name) : null
    return [run.name, title?.en ?? '', title?.zh ?? '']
  })
  const titles = (session.runs ?? []).map((run) => run.title)
  const haystack = [...ran, ...titles, sessionName(startedAt(session), ''), session.id].join('\n').toLowerCase()
  return words.every((word) => haystack.includes(word))
}
