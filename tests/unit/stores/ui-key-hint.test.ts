// The ui store's key-hint timer belongs to its Pinia: a hint shown in one app (one Pinia) clears on
// its own timer even when another app shows one, and $dispose stops the store's timer. Fake timers
// count and run them.
import '../../helpers/rendererGlobals'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { useUiStore } from '../../../src-renderer/shared/stores/ui'

// The store pins the theme on <html> (data-theme): under Node, a stand-in <html> with a dataset.
beforeAll(() => vi.stubGlobal('document', { documentElement: { dataset: {} } }))
afterAll(() => vi.unstubAllGlobals())

function uiStoreOf(pinia: Pinia) {
  setActivePinia(pinia)
  return useUiStore()
}

describe('ui store key hint', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('clears each Pinia’s hint on its own timer: a hint in one app does not keep the other’s forever', () => {
    const a = uiStoreOf(createPinia())
    const b = uiStoreOf(createPinia())
    a.showKeyHint('nothing selected')
    b.showKeyHint('nothing to join')
    expect(vi.getTimerCount()).toBe(2)
    vi.runAllTimers()
    expect(a.keyHint).toBe(null)
    expect(b.keyHint).toBe(null)
  })

  it('restarts the hint’s time when a new hint comes, and stops its timer when disposed', () => {
    const a = uiStoreOf(createPinia())
    a.showKeyHint('first')
    a.showKeyHint('second')
    expect(vi.getTimerCount()).toBe(1)
    expect(a.keyHint).toBe('second')
    a.$dispose()
    expect(vi.getTimerCount()).toBe(0)
  })
})
