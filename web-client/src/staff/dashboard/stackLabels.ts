import type { Directive } from 'vue'

// On a phone each table row becomes a card (dashboard.css, `.stack`): every cell shows its
// column's name, copied here from the header row so the template names each column once.
function label(table: HTMLTableElement): void {
  const heads = [...(table.tHead?.rows[0]?.cells ?? [])].map((c) => c.textContent?.trim() ?? '')
  for (const body of table.tBodies)
    for (const row of body.rows) {
      let col = 0
      for (const cell of row.cells) {
        // A cell across several columns (a reason, a subheading) speaks for itself.
        cell.dataset.label = cell.colSpan > 1 ? '' : (heads[col] ?? '')
        col += cell.colSpan
      }
    }
}

export const vStackLabels: Directive<HTMLTableElement> = { mounted: label, updated: label }
