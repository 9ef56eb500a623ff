// Events name shared objects by id (`r1/3`); people know them by name (`printer`, `Lock-3`).
// Exports show the name given in the object's object.create event; a name two objects share gets
// the id added, so tracks and rows stay apart.
import type { LooseEvent } from '../lab-events'

export class ObjectLabels {
  private readonly byId = new Map<string, string>()
  private readonly used = new Set<string>()

  /** Learns from object.create, and puts the label in place of the id in `e.object`. */
  relabel(e: LooseEvent): void {
    const id = typeof e.object === 'string' ? e.object : null
    if (id === null) return
    if (e.kind === 'object.create' && typeof e.name === 'string' && !this.byId.has(id)) {
      const label = this.used.has(e.name) ? `${e.name} (${id})` : e.name
      this.byId.set(id, label)
      this.used.add(label)
    }
    const label = this.byId.get(id)
    if (label !== undefined) e.object = label
  }
}
