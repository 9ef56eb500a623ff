/**
 * Resolves app.css colour variables to colours a canvas understands. The variables hold
 * `light-dark(…, …)`, which getPropertyValue returns as written; only a real property that uses
 * the variable (here `color` on a probe inside `el`) comes back resolved, for the theme in force.
 */
export function cssColorReader(el: Element): (name: string, fallback?: string) => string {
  const probe = document.createElement('span')
  probe.hidden = true
  el.appendChild(probe)
  const cache = new Map<string, string>()
  const read = (name: string, fallback = '#888'): string => {
    let value = cache.get(name)
    if (value === undefined) {
      probe.style.color = ''
      probe.style.color = `var(${name})`
      value = probe.isConnected ? getComputedStyle(probe).color : ''
      cache.set(name, value)
    }
    return value || fallback
  }
  // Read everything first (callers read a fixed set at once), then leave the DOM as it was.
  queueMicrotask(() => probe.remove())
  return read
}
