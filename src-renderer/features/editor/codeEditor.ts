// The CodeMirror 6 editor of a lab script: JavaScript or TypeScript, the proclab API completed and
// explained on hover, errors of a run marked on their lines. Loaded only when the editor opens
// (EditorPanel.vue is an async component), so the Lab view does not pay for it.
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete'
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands'
import { javascript } from '@codemirror/lang-javascript'
import { bracketMatching, HighlightStyle, indentOnInput, syntaxHighlighting, syntaxTree } from '@codemirror/language'
import { type Diagnostic, forceLinting, lintGutter, lintKeymap, linter } from '@codemirror/lint'
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search'
import { Compartment, EditorSelection, EditorState, Prec, StateEffect } from '@codemirror/state'
import { drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from '@codemirror/view'
import { tags } from '@lezer/highlight'
import type { ScriptError } from './errorLines'
import { labCompletions, labHover } from './labApiHelp'

export interface CodeEditorOptions {
  parent: HTMLElement
  doc: string
  typescript: boolean
  /**
   * The editor's accessible name and the text that explains its keys (as aria-description: the
   * editor is in a shadow root, which an aria-describedby to the page's text cannot reach into).
   */
  label: string
  description: string
  onChange: (doc: string) => void
  onRun: () => void
  onSave: () => void
}

export interface CodeEditor {
  view: EditorView
  setDoc(doc: string): void
  setTypeScript(typescript: boolean): void
  setLabel(label: string, description: string): void
  showErrors(errors: readonly ScriptError[]): void
  goToLine(line: number): void
  destroy(): void
}

// Colours from the app's theme variables (app.css), so both themes keep their contrast.
const highlight = HighlightStyle.define([
  { tag: [tags.keyword, tags.modifier, tags.controlKeyword, tags.operatorKeyword], color: 'var(--code-keyword)' },
  { tag: [tags.string, tags.special(tags.string), tags.regexp], color: 'var(--code-string)' },
  { tag: [tags.number, tags.bool, tags.null], color: 'var(--code-number)' },
  { tag: [tags.comment, tags.lineComment, tags.blockComment], color: 'var(--code-comment)', fontStyle: 'italic' },
  { tag: [tags.function(tags.variableName), tags.function(tags.propertyName)], color: 'var(--code-function)' },
  { tag: [tags.typeName, tags.className], color: 'var(--code-type)' },
  { tag: tags.invalid, color: 'var(--error-text)' },
])

const theme = EditorView.theme({
  '&': { height: '100%', color: 'var(--text)', backgroundColor: 'var(--surface)' },
  '.cm-scroller': { fontFamily: 'var(--mono)' },
  '.cm-content': { caretColor: 'var(--text)' },
  '.cm-gutters': { backgroundColor: 'var(--bg)', color: 'var(--muted)', borderRight: '1px solid var(--border)' },
  '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: 'var(--code-active-line)' },
  '&.cm-focused': { outline: '2px solid var(--focus)', outlineOffset: '-2px' },
  '.cm-cursor': { borderLeftColor: 'var(--text)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': { backgroundColor: 'var(--code-selection)' },
  '.cm-tooltip': { backgroundColor: 'var(--surface)', color: 'var(--text)', border: '1px solid var(--border)' },
  '.cm-tooltip-autocomplete ul li[aria-selected]': { backgroundColor: 'var(--accent)', color: 'var(--on-accent)' },
  '.cm-completionDetail': { color: 'inherit', opacity: '1' },
  '.cm-lab-doc': { maxWidth: '36rem', padding: '0.3rem 0.5rem', whiteSpace: 'pre-wrap' },
  '.cm-lab-doc p': { margin: '0.3rem 0 0' },
  '.cm-diagnostic-error': { borderLeftColor: 'var(--danger)' },
  '.cm-lintRange-error': { backgroundImage: 'none', textDecoration: 'underline wavy var(--danger)' },
  '.cm-run-error': { backgroundColor: 'var(--error-bg)', color: 'var(--error-text)' },
})

/** The parser's own error nodes, as diagnostics: a syntax error is seen before a run. */
function syntaxErrors(state: EditorState): Diagnostic[] {
  const found: Diagnostic[] = []
  syntaxTree(state).iterate({
    enter: (node) => {
      if (node.type.isError && found.length < 20) found.push({ from: node.from, to: Math.max(node.to, Math.min(node.from + 1, state.doc.length)), severity: 'error', message: 'Syntax error', source: 'syntax' })
    },
  })
  return found
}

/** A run's errors on the lines they name (in the text as it is now: an edit since may have moved them). */
function runDiagnostics(state: EditorState, errors: readonly ScriptError[]): Diagnostic[] {
  const doc = state.doc
  return errors.flatMap((error): Diagnostic[] => {
    if (error.line < 1 || error.line > doc.lines) return []
    const line = doc.line(error.line)
    const from = Math.min(line.from + Math.max(0, error.column - 1), line.to)
    return [{ from, to: line.to, severity: 'error', message: `${error.message} (${error.process})`, source: 'run', markClass: 'cm-run-error' }]
  })
}

/**
 * Text typed or inserted over a selection of several lines is put in by CodeMirror, not by the
 * browser: Chromium's own editing would carry the old lines' look over as a style attribute, which
 * the page's CSP refuses (a console error, no harm, but noise). One line's selection goes the usual
 * way, so a typed bracket still wraps it (closeBrackets).
 */
const replaceMultiLineSelection = EditorView.domEventHandlers({
  beforeinput(event, view) {
    const { main } = view.state.selection
    if (event.inputType !== 'insertText' || !event.data || main.empty) return false
    if (view.state.doc.lineAt(main.from).number === view.state.doc.lineAt(main.to).number) return false
    event.preventDefault()
    view.dispatch(view.state.replaceSelection(event.data), { userEvent: 'input.type', scrollIntoView: true })
    return true
  },
})

export function createCodeEditor(options: CodeEditorOptions): CodeEditor {
  const language = new Compartment()
  const attributes = new Compartment()
  // tabindex 0 is what a contenteditable has anyway; said outright, axe sees the scroller holds a focusable.
  const contentAttributes = (label: string, description: string) => EditorView.contentAttributes.of({ 'aria-label': label, 'aria-description': description, tabindex: '0' })
  // One linter for both kinds: a linter's answer replaces every diagnostic shown.
  let runErrors: readonly ScriptError[] = []
  const runErrorsChanged = StateEffect.define<null>()
  const diagnostics = linter((view) => [...syntaxErrors(view.state), ...runDiagnostics(view.state, runErrors)], {
    delay: 600,
    // A linter runs again on edits only; new run errors are news too.
    needsRefresh: (update) => update.transactions.some((tr) => tr.effects.some((effect) => effect.is(runErrorsChanged))),
  })
  // In a shadow root: there CodeMirror's styles go into a constructed stylesheet (adoptedStyleSheets),
  // which the page's CSP (style-src 'self') allows, where in the document it would write a <style>.
  const shadow = options.parent.shadowRoot ?? options.parent.attachShadow({ mode: 'open' })
  const view = new EditorView({
    parent: shadow,
    root: shadow,
    state: EditorState.create({
      doc: options.doc,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightActiveLine(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        highlightSelectionMatches(),
        syntaxHighlighting(highlight),
        language.of(javascript({ typescript: options.typescript })),
        EditorState.languageData.of(() => [{ autocomplete: labCompletions }]),
        autocompletion({ icons: false }),
        labHover,
        replaceMultiLineSelection,
        lintGutter(),
        diagnostics,
        attributes.of(contentAttributes(options.label, options.description)),
        EditorState.tabSize.of(2),
        theme,
        // Before the default keymap, which has Mod-Enter insert a blank line.
        Prec.highest(
          keymap.of([
            { key: 'Mod-Enter', run: () => (options.onRun(), true) },
            { key: 'Mod-s', run: () => (options.onSave(), true), preventDefault: true },
          ]),
        ),
        // Tab indents; CodeMirror's own convention lets keyboard users out: Esc then Tab, or Ctrl-M.
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, ...completionKeymap, ...lintKeymap, indentWithTab]),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) options.onChange(update.state.doc.toString())
        }),
      ],
    }),
  })
  return {
    view,
    setDoc(doc) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: doc }, selection: EditorSelection.cursor(0) })
      runErrors = []
    },
    setTypeScript(typescript) {
      view.dispatch({ effects: language.reconfigure(javascript({ typescript })) })
    },
    setLabel(label, description) {
      view.dispatch({ effects: attributes.reconfigure(contentAttributes(label, description)) })
    },
    showErrors(errors) {
      runErrors = errors
      view.dispatch({ effects: runErrorsChanged.of(null) })
      forceLinting(view)
    },
    goToLine(line) {
      const target = view.state.doc.line(Math.min(Math.max(1, line), view.state.doc.lines))
      view.dispatch({ selection: EditorSelection.cursor(target.from), scrollIntoView: true })
      view.focus()
    },
    destroy: () => view.destroy(),
  }
}
