import { defineStore } from 'pinia'
import type { ScenarioInfo } from '../../src-shared/contract'
import { call, errorMessage } from '../transport'

export const useScenariosStore = defineStore('scenarios', {
  state: () => ({
    list: [] as ScenarioInfo[],
    selectedId: null as string | null,
    loading: false,
    error: null as string | null,
  }),
  getters: {
    selected: (state) => state.list.find((s) => s.id === state.selectedId) ?? null,
  },
  actions: {
    async load() {
      this.loading = true
      try {
        this.list = await call('scenarios.list', {})
        this.error = null
        if (!this.list.some((s) => s.id === this.selectedId)) this.selectedId = this.list[0]?.id ?? null
      } catch (error) {
        this.error = `Could not load the scenarios: ${errorMessage(error)}`
      } finally {
        this.loading = false
      }
    },
  },
})
