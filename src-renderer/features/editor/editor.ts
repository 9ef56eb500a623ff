// The script editor's state, apart from CodeMirror (which loads with the panel): whether it is open,
// the script's name and text, what was saved, and the saved scripts to reopen. It lives in a store so
// that closing the panel, or going to another tab, keeps the text.
import { defineStore } from 'pinia'
import { LAB_SCRIPT_NAME_PATTERN, type LabScriptInfo } from '../../../src-shared/contract'
import { i18n } from '../../shared/i18n'
import { call, errorMessage } from '../../shared/transport'
import { useRunStore } from '../lab/run'
import { TEMPLATES, type Template } from './templates'

/** What the status line says, as a message key and its values (so it follows the language). */
export interface EditorStatus {
  key: string
  params?: Record<string, string>
  error?: boolean
}

const FIRST = TEMPLATES[0]!

export const useEditorStore = defineStore('editor', {
  state: () => ({
    open: false,
    name: FIRST.fileName,
    text: FIRST.source,
    /** The name and text last written to the lab folder (null: not saved yet). */
    savedName: null as string | null,
    savedText: null as string | null,
    saving: false,
    status: { key: 'editor.status.unsaved' } as EditorStatus,
    saved: [] as LabScriptInfo[],
    /** Moves whenever the text is replaced from outside the editor (a template, a scenario, a saved script). */
    loads: 0,
  }),
  getters: {
    nameValid: (state) => LAB_SCRIPT_NAME_PATTERN.test(state.name),
    dirty: (state) => state.savedName !== state.name || state.savedText !== state.text,
  },
  actions: {
    async refreshSaved() {
      try {
        this.saved = await call('lab.scripts.list', {})
      } catch {
        // The list only helps to reopen; the status line reports failures that matter.
      }
    },
    load(name: string, text: string) {
      this.name = name
      this.text = text
      this.savedName = null
      this.savedText = null
      this.status = { key: 'editor.status.unsaved' }
      this.loads++
    },
    openTemplate(template: Template) {
      this.load(template.fileName, template.source)
    },
    /** A scenario as a script of one's own: the same file name, to save in the lab folder. */
    async openScenario(id: string) {
      try {
        const { file, source } = await call('scenarios.source', { id })
        this.load(file, source)
      } catch (error) {
        this.status = { key: 'editor.status.openFailed', params: { error: errorMessage(error) }, error: true }
      }
    },
    async openSaved(name: string) {
      try {
        const { source } = await call('lab.scripts.read', { name })
        this.load(name, source)
        this.savedName = name
        this.savedText = source
        this.status = { key: 'editor.status.saved', params: { name } }
      } catch (error) {
        this.status = { key: 'editor.status.openFailed', params: { error: errorMessage(error) }, error: true }
      }
    },
    /** Writes the script to the lab folder; false (and the status says why) when it could not. */
    async save(): Promise<boolean> {
      const name = this.name
      const text = this.text
      if (!LAB_SCRIPT_NAME_PATTERN.test(name)) {
        this.status = { key: 'editor.name.invalid', error: true }
        return false
      }
      if (!this.dirty) return true
      this.saving = true
      try {
        await call('lab.scripts.save', { name, source: text })
        this.savedName = name
        this.savedText = text
        this.status = { key: 'editor.status.saved', params: { name } }
        void this.refreshSaved()
        return true
      } catch (error) {
        this.status = { key: 'editor.status.saveFailed', params: { name, error: errorMessage(error) }, error: true }
        return false
      } finally {
        this.saving = false
      }
    },
    /** Saves, then runs the saved file (a run going on is stopped first, as Re-run does). */
    async run() {
      if (!(await this.save())) return
      await useRunStore().rerun({ labScript: this.name })
    },
  },
})

/** The status line in the language on screen. */
export function statusText(status: EditorStatus): string {
  return i18n.global.t(status.key, status.params ?? {})
}
