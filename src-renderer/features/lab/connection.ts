import { defineStore } from 'pinia'
import type { HelloInfo } from '../../../src-shared/contract'
import { call, errorMessage, getTransport, type ConnectionStatus } from '../../shared/transport'
import { FrameBatcher } from '../../shared/transport/frameBatcher'
import { useRunStore } from './run'
import { useScenariosStore } from './scenarios'

export const useConnectionStore = defineStore('connection', {
  state: () => ({
    status: { state: 'connecting', detail: null, attempts: 0 } as ConnectionStatus,
    transportKind: null as 'electron' | 'websocket' | null,
    hello: null as HelloInfo | null,
    /** Set when the link is up but the host would not say hello. */
    error: null as string | null,
    started: false,
  }),
  getters: {
    connected: (state) => state.status.state === 'connected' && state.hello !== null,
  },
  actions: {
    /** Wires the transport to the stores. Each (re)connect starts from a fresh hello and snapshot, as the host may have restarted. */
    start() {
      if (this.started) return
      this.started = true
      const transport = getTransport()
      this.transportKind = transport.kind
      const run = useRunStore()
      const frames = new FrameBatcher({ fold: (events) => run.foldFrame(events), publish: () => run.publishAll() })
      transport.onFrame((frame) => frames.push(frame.events))
      transport.onStatus((status) => {
        this.status = { ...status }
        if (status.state === 'connected') void this.greet()
        else this.hello = null
      })
    },
    async greet() {
      try {
        const hello = await call('hello', {})
        this.hello = hello
        this.error = null
        await Promise.all([useScenariosStore().load(), useRunStore().syncSnapshot()])
      } catch (error) {
        this.error = errorMessage(error)
      }
    },
  },
})
