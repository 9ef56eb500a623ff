import type { AreaMessages } from '../types'

export const messages: AreaMessages = {
  en: {},
  zh: {},
}
