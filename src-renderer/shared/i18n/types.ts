/** Nested message objects; a leaf is a vue-i18n message string. */
export interface MessageTree {
  [key: string]: string | MessageTree
}

/** One area's messages: English is the reference, Chinese has the same keys. */
export interface AreaMessages {
  en: MessageTree
  zh: MessageTree
}
