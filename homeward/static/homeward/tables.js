// Tables that fit a phone: every cell is labelled with its column's heading (data-label),
// which the stylesheet shows above the cell when a narrow screen stacks each row.
// A template may set data-label itself; this fills in the rest, so every wide table
// stacks without each template repeating its headings.

const WIDE = 3; // columns from which a table is stacked on a phone

function headings(table) {
  const row = table.tHead?.rows[table.tHead.rows.length - 1];
  if (!row) return [];
  const names = [];
  for (const cell of row.cells) {
    const name = cell.textContent.replace(/\s+/g, " ").trim();
    for (let span = 0; span < (cell.colSpan || 1); span += 1) names.push(name);
  }
  return names;
}

export function labelTables(root = document) {
  for (const table of root.querySelectorAll("table.govuk-table")) {
    const names = headings(table);
    if (names.length < WIDE) continue;
    table.classList.add("hw-table-stack");
    for (const body of [...table.tBodies, ...(table.tFoot ? [table.tFoot] : [])]) {
      for (const row of body.rows) {
        let column = 0;
        for (const cell of row.cells) {
          if (!cell.hasAttribute("data-label")) cell.dataset.label = names[column] || "";
          column += cell.colSpan || 1;
        }
      }
    }
  }
}

labelTables();
