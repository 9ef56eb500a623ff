// What the renderer's modules read from the page when they load, for store tests under plain Node:
// i18n asks `navigator` for the OS language, and Node has it only from version 21. Import this file
// first (before any renderer module) in a test that loads a store.
if (!('navigator' in globalThis)) {
  Object.defineProperty(globalThis, 'navigator', { value: { language: 'en-US', languages: ['en-US'] }, configurable: true })
}
