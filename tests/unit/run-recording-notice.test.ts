// When the session log stops recording mid-run, the Lab tab says so among the run's notices, in
// the user's language, naming the file and the reason (the host's session.stopped event).
import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import { messages } from '../../src-renderer/shared/i18n/messages/lab'
import { applyEvent, emptyRun } from '../../src-renderer/features/lab/runModel'
import type { LabEvent } from '../../src-shared/events'

describe('a recording that stopped, in the run notices', () => {
  it('is folded into a notice carrying the file and the reason, shown in English and Chinese', () => {
    const model = emptyRun()
    const events: LabEvent[] = [
      { seq: 1, t: 0, runId: 'r1', kind: 'run.start', title: 'flood', source: '/tmp/flood.mjs' },
      { seq: 2, t: 5, runId: 'r1', kind: 'session.stopped', file: '/mnt/small/x.ndjson', error: 'no space left on device (ENOSPC)' },
    ]
    for (const event of events) applyEvent(model, event)
    expect(model.notices).toEqual([{ seq: 2, message: expect.stringContaining('/mnt/small/x.ndjson'), recordingStopped: { file: '/mnt/small/x.ndjson', error: 'no space left on device (ENOSPC)' } }])

    const i18n = createI18n({ legacy: false, locale: 'en', messages: { en: { lab: messages.en }, zh: { lab: messages.zh } } })
    const shown = (locale: 'en' | 'zh') => {
      i18n.global.locale.value = locale
      return i18n.global.t('lab.summary.recordingStopped', model.notices[0]!.recordingStopped!)
    }
    expect(shown('en')).toBe('Recording stopped: /mnt/small/x.ndjson: no space left on device (ENOSPC). The run goes on; its session log ends here.')
    expect(shown('zh')).toBe('记录已停止：/mnt/small/x.ndjson：no space left on device (ENOSPC)。运行继续，会话日志到此为止。')
  })

  it('a signal that could not be sent is a notice shown in the user\'s language too', () => {
    const model = emptyRun()
    applyEvent(model, { seq: 1, t: 0, runId: 'r1', kind: 'run.start', title: 'sleeper', source: '/tmp/s.mjs' })
    applyEvent(model, { seq: 2, t: 5, runId: 'r1', kind: 'user.kill', pid: 4242, lid: null, signal: 'SIGTERM', ok: false, error: 'no such process' })
    const notice = model.notices[0]!
    expect(notice.killFailed).toEqual({ signal: 'SIGTERM', pid: 4242, error: 'no such process' })
    const i18n = createI18n({ legacy: false, locale: 'zh', messages: { en: { lab: messages.en }, zh: { lab: messages.zh } } })
    expect(i18n.global.t('lab.summary.killFailed', notice.killFailed!)).toBe('无法向 pid 4242 发送 SIGTERM：no such process')
  })
})
