/** Puts keyboard focus back on a lab tree row (after the drawer closes, or a parent was picked). */
export function focusLabRow(lid: string): void {
  document.querySelector<HTMLElement>(`#panel-lab tr[data-row-key="${CSS.escape(lid)}"]`)?.focus()
}
