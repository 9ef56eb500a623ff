/**
 * Remembered settings in localStorage. Storage can be unavailable (privacy settings) or hold
 * anything (an older version, a hand edit): a read that fails or does not pass `parse` gives the
 * fallback, and a write that fails is dropped; the setting still applies until the page reloads.
 */
export function readStored<T>(key: string, parse: (raw: string) => T | undefined, fallback: T): T {
  try {
    const raw = localStorage.getItem(key)
    if (raw === null) return fallback
    return parse(raw) ?? fallback
  } catch {
    return fallback
  }
}

export function writeStored(key: string, raw: string): void {
  try {
    localStorage.setItem(key, raw)
  } catch {
    // Not remembered, still applied.
  }
}
