import { defineStore } from 'pinia'
import { COMMAND_COLUMN, parseColumnWidth } from './columnWidth'
import { readStored, writeStored } from '../../shared/stores/storage'

const COMMAND_KEY = 'proclab.commandColumn'

/** Widths of the System table's resizable columns; remembered across reloads. */
export const useColumnsStore = defineStore('columns', {
  state: () => ({ commandRem: readStored(COMMAND_KEY, parseColumnWidth, COMMAND_COLUMN.initial) }),
  actions: {
    /** `remember: false` while a drag is under way: it is stored once, where it ends. */
    resizeCommand(rem: number, remember = true) {
      this.commandRem = Math.round(Math.min(COMMAND_COLUMN.max, Math.max(COMMAND_COLUMN.min, rem)) * 10) / 10
      if (remember) writeStored(COMMAND_KEY, String(this.commandRem))
    },
  },
})
