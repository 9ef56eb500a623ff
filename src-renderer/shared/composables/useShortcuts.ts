import { onBeforeUnmount, onMounted } from 'vue'

/** A single-key shortcut: runs with the event; returning false lets the key through untouched. */
export type ShortcutHandler = (event: KeyboardEvent) => boolean | void

/** Inputs whose keys are not text: a shortcut typed on a radio or a checkbox is still a shortcut. */
const NON_TEXT_INPUTS = new Set(['radio', 'checkbox', 'button', 'submit', 'reset', 'range', 'color'])

/** True while the user types somewhere: "k" in a filter box is a letter, not a kill. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true
  return target instanceof HTMLInputElement && !NON_TEXT_INPUTS.has(target.type)
}

/** A modal (the kill dialog, the help) or a menu owns the keyboard while it is open. */
function somethingModalOwnsKeys(target: EventTarget | null): boolean {
  if (document.querySelector('dialog[open]')) return true
  return target instanceof HTMLElement && target.closest('[role="menu"]') !== null
}

/**
 * htop-like single keys for the whole window, keyed by KeyboardEvent.key ("?", "/", "k", "Escape").
 * Keys with Ctrl, Alt or Meta are the browser's and the OS's; keys another handler already used
 * (defaultPrevented: a treegrid's Enter, a dialog's Esc) are left alone.
 */
export function useShortcuts(handlers: Record<string, ShortcutHandler>): void {
  function onKeydown(event: KeyboardEvent): void {
    if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey || event.isComposing) return
    // The element that has the key, even inside a shadow root (the script editor's), where
    // event.target is only the root's host.
    const target = event.composedPath()[0] ?? event.target
    if (isTyping(target) || somethingModalOwnsKeys(target)) return
    const handler = handlers[event.key]
    if (!handler) return
    if (handler(event) === false) return
    event.preventDefault()
  }
  onMounted(() => document.addEventListener('keydown', onKeydown))
  onBeforeUnmount(() => document.removeEventListener('keydown', onKeydown))
}
