import type { AreaMessages } from '../types'

export const messages: AreaMessages = {
  en: {
    tabs: { label: 'Views', lab: 'Lab', timeline: 'Timeline', system: 'System', sessions: 'Sessions' },
  },
  zh: {
    tabs: { label: '视图', lab: '实验', timeline: '时间线', system: '系统', sessions: '会话' },
  },
}
