// Completion and hover for the `proclab` API, from labApi.json (made by `npm run api-docs` from the
// API's own declarations). There is no type checker in the page, so a member list is picked by what
// the script shows of the receiver: `const lock = new Lock(...)` or a parameter `lock: Lock` makes
// `lock.` offer Lock's members; an unknown receiver gets the members of every class, each saying whose.
import type { Completion, CompletionContext, CompletionResult } from '@codemirror/autocomplete'
import { syntaxTree } from '@codemirror/language'
import type { EditorState } from '@codemirror/state'
import { hoverTooltip, type Tooltip } from '@codemirror/view'
import type { LabApiEntry, LabApiMember } from '../../../src-shared/lab-api'
import api from './labApi.json'
import { classOfVariable } from './receiverClass'

const ENTRIES = api as LabApiEntry[]
const BY_NAME = new Map(ENTRIES.map((entry) => [entry.name, entry]))
const CLASSES = ENTRIES.filter((entry) => entry.members)

/** Nodes inside which a name is not code: no completion there. */
const NOT_CODE = new Set(['String', 'TemplateString', 'LineComment', 'BlockComment', 'RegExp'])

function infoNode(detail: string, doc: string): () => Node {
  return () => {
    const box = document.createElement('div')
    box.className = 'cm-lab-doc'
    const code = document.createElement('code')
    code.textContent = detail
    box.append(code)
    if (doc) {
      const text = document.createElement('p')
      text.textContent = doc
      box.append(text)
    }
    return box
  }
}

const TOP_LEVEL: Completion[] = ENTRIES.map((entry) => ({
  label: entry.name,
  type: entry.kind === 'type' ? 'type' : entry.kind,
  detail: 'proclab',
  info: infoNode(entry.detail, entry.doc),
  // Above the names the script itself has: the API is what a student looks for.
  boost: 1,
}))

function memberCompletion(member: LabApiMember, owners: string[]): Completion {
  return { label: member.name, type: member.kind, detail: owners.join(', '), info: infoNode(`${owners.length === 1 ? `${owners[0]}.` : ''}${member.detail}`, member.doc) }
}

/** Members of one class, or of all of them (one completion per name, listing its classes). */
function membersOf(className: string | null): Completion[] {
  const known = className ? BY_NAME.get(className) : undefined
  if (known?.members) return known.members.map((m) => memberCompletion(m, [known.name]))
  const byName = new Map<string, { member: LabApiMember; owners: string[] }>()
  for (const entry of CLASSES) {
    for (const member of entry.members ?? []) {
      const seen = byName.get(member.name)
      if (seen) seen.owners.push(entry.name)
      else byName.set(member.name, { member, owners: [entry.name] })
    }
  }
  return [...byName.values()].map(({ member, owners }) => memberCompletion(member, owners.length > 3 ? [...owners.slice(0, 3), '…'] : owners))
}

/** The API class a variable of the script holds, as far as its text tells. */
function classOf(text: string, variable: string): string | null {
  return classOfVariable(text, variable, (name) => BY_NAME.get(name)?.members !== undefined)
}

export function labCompletions(context: CompletionContext): CompletionResult | null {
  const inside = syntaxTree(context.state).resolveInner(context.pos, -1)
  for (let node: typeof inside | null = inside; node; node = node.parent) if (NOT_CODE.has(node.name)) return null
  const member = context.matchBefore(/([\w$]+)\s*\.\s*[\w$]*$/)
  if (member) {
    const receiver = /^([\w$]+)/.exec(member.text)?.[1] ?? ''
    const word = context.matchBefore(/[\w$]*$/)
    return { from: word?.from ?? context.pos, options: membersOf(classOf(context.state.doc.toString(), receiver)), validFor: /^[\w$]*$/ }
  }
  const word = context.matchBefore(/[\w$]+$/)
  if (!word && !context.explicit) return null
  return { from: word?.from ?? context.pos, options: TOP_LEVEL, validFor: /^[\w$]*$/ }
}

/** What the word at `pos` is in the API: an export, or a member of a class (as the receiver tells). */
function describeAt(state: EditorState, pos: number): { from: number; to: number; detail: string; doc: string } | null {
  const line = state.doc.lineAt(pos)
  const text = line.text
  let start = pos - line.from
  let end = start
  while (start > 0 && /[\w$]/.test(text[start - 1]!)) start--
  while (end < text.length && /[\w$]/.test(text[end]!)) end++
  if (start === end) return null
  const word = text.slice(start, end)
  const before = /([\w$]+)\s*\.\s*$/.exec(text.slice(0, start))
  const range = { from: line.from + start, to: line.from + end }
  if (before) {
    const owner = classOf(state.doc.toString(), before[1]!)
    const classes = owner ? [BY_NAME.get(owner)!] : CLASSES
    const found = classes.flatMap((entry) => (entry.members ?? []).filter((m) => m.name === word).map((m) => ({ entry, m })))
    if (found.length === 0) return null
    const first = found[0]!
    const others = found.length > 1 ? ` (also ${found.slice(1, 4).map((f) => f.entry.name).join(', ')}${found.length > 4 ? ', …' : ''})` : ''
    return { ...range, detail: `${first.entry.name}.${first.m.detail}${others}`, doc: first.m.doc }
  }
  const entry = BY_NAME.get(word)
  return entry ? { ...range, detail: entry.detail, doc: entry.doc } : null
}

export const labHover = hoverTooltip((view, pos): Tooltip | null => {
  const found = describeAt(view.state, pos)
  if (!found) return null
  return { pos: found.from, end: found.to, above: true, create: () => ({ dom: infoNode(found.detail, found.doc)() as HTMLElement }) }
})
