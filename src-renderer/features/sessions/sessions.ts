import { defineStore } from 'pinia'
import type { ExportFormatName, SessionExportInfo, SessionInfo } from '../../../src-shared/contract'
import { call, errorMessage, getTransport, pageToken } from '../../shared/transport'

export interface ExportState {
  busy: boolean
  result: SessionExportInfo | null
  error: string | null
}

/** The Sessions tab: the recorded sessions, and what the user did to them. */
export const useSessionsStore = defineStore('sessions', {
  state: () => ({
    list: [] as SessionInfo[],
    loaded: false,
    loading: false,
    /** Listing failed: shown instead of the table. */
    error: null as string | null,
    /** A delete the host refused or that failed, in its words. */
    actionError: null as string | null,
    exports: {} as Record<string, ExportState>,
  }),
  actions: {
    async load() {
      this.loading = true
      try {
        this.list = await call('sessions.list', {})
        this.error = null
        this.loaded = true
      } catch (error) {
        this.error = errorMessage(error)
      } finally {
        this.loading = false
      }
    },
    async remove(id: string): Promise<boolean> {
      this.actionError = null
      try {
        await call('sessions.delete', { id })
        this.list = this.list.filter((s) => s.id !== id)
        delete this.exports[id]
        return true
      } catch (error) {
        this.actionError = errorMessage(error)
        return false
      }
    },
    /** Deletes several; what the host refused or failed on stays listed, with its reasons. */
    async removeMany(ids: string[]): Promise<boolean> {
      this.actionError = null
      try {
        const { deleted, failed } = await call('sessions.deleteMany', { ids })
        const gone = new Set(deleted)
        this.list = this.list.filter((s) => !gone.has(s.id))
        for (const id of deleted) delete this.exports[id]
        if (failed.length) this.actionError = failed.map((f) => f.error).join('; ')
        return failed.length === 0
      } catch (error) {
        this.actionError = errorMessage(error)
        return false
      }
    },
    async exportSession(id: string, format: ExportFormatName) {
      this.exports[id] = { busy: true, result: null, error: null }
      try {
        this.exports[id] = { busy: false, result: await call('sessions.export', { id, format }), error: null }
      } catch (error) {
        this.exports[id] = { busy: false, result: null, error: errorMessage(error) }
      }
      // The export is itself recorded (in the session being recorded now): the list's counts and
      // sizes are stale from here on.
      await this.load()
    },
  },
})

/**
 * Where the browser can fetch an export, in web mode: `proclab serve` serves the exports folder
 * at /export/<name>, with the same token the page was opened with. The desktop app has no URL
 * for it (null): the file's path is shown instead.
 */
export function downloadUrl(name: string): string | null {
  if (getTransport().kind !== 'websocket') return null
  return `/export/${encodeURIComponent(name)}?token=${encodeURIComponent(pageToken())}`
}
