import { defineStore } from 'pinia'
import type { ScenarioInfo } from '../../../src-shared/contract'
import { call, errorMessage } from '../../shared/transport'

export const useScenariosStore = defineStore('scenarios', {
  state: () => ({
    list: [] as ScenarioInfo[],
    selectedId: null as string | null,
    loading: false,
    error: null as string | null,
  }),
  getters: {
    selected: (state) => state.list.find((s) => s.id === state.selectedId) ?? null,
    /** The scenario a run titled `title` is (the host titles a scenario's run with its English title), or null for a script. */
    scenarioOfRun: (state) => (title: string | null) => (title === null ? null : (state.list.find((s) => s.title.en === title) ?? null)),
  },
  actions: {
    async load() {
      this.loading = true
      try {
        this.list = await call('scenarios.list', {})
        this.error = null
        if (!this.list.some((s) => s.id === this.selectedId)) this.selectedId = this.list[0]?.id ?? null
      } catch (error) {
        // The picker words it ('lab.scenarios.loadError'); the store keeps the host's reason only.
        this.error = errorMessage(error)
      } finally {
        this.loading = false
      }
    },
  },
})
