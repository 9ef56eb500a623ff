import { defineStore } from 'pinia'
import { clampShare, initialPaneSizes, parsePaneSizes, type PaneName } from './paneSizes'
import { readStored, writeStored } from '../../shared/stores/storage'

const PANES_KEY = 'proclab.labPanes'

/** How the Lab view divides the window between its panes; remembered across reloads. */
export const usePanesStore = defineStore('panes', {
  state: () => readStored(PANES_KEY, parsePaneSizes, initialPaneSizes()),
  actions: {
    /** `remember: false` while a drag is under way: it is stored once, where it ends. */
    resize(pane: PaneName, share: number, remember = true) {
      this[pane] = Math.round(clampShare(pane, share) * 10) / 10
      if (remember) writeStored(PANES_KEY, JSON.stringify({ tree: this.tree, main: this.main }))
    },
  },
})
