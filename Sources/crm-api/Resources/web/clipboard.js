// Copy and paste as spreadsheets and Airtable write them: tab-separated text, a cell quoted when
// it holds a tab, a line break or a quote. What a block copies to and what a paste changes, with
// no page around it: the grid passes its records and columns and sends the changes.
import { display, isReadOnly, parse } from "./cells.js";

/** The text a block copies to: `rows` (record positions) by the columns `left` to `right`. */
export function copyText(records, columns, rows, left, right) {
  return rows.map((row) => {
    const cells = [];
    for (let col = left; col <= right; col += 1) {
      const field = columns[col].field;
      const text = display(records[row].fields[field.key], field);
      cells.push(/[\t\n"]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
    }
    return cells.join("\t");
  }).join("\n");
}

/** What is pasted over `block`: the clipboard's rows, or one value filling the whole block. */
export function pasteTexts(rows, block) {
  const fill = rows.length === 1 && rows[0].length === 1 && (block.top !== block.bottom || block.left !== block.right);
  if (!fill) return rows;
  return Array.from({ length: block.bottom - block.top + 1 }, () => Array(block.right - block.left + 1).fill(rows[0][0]));
}

/**
 * The records a paste changes: `texts` written from column `left` over the record positions
 * `rows`, read-only columns skipped. A value that does not fit its field stops the whole paste:
 * `{ problem: "Row N: …" }` and nothing else.
 */
export function pasteChanges(texts, rows, records, columns, left) {
  const changes = new Map();
  for (let r = 0; r < rows.length; r += 1) {
    const position = rows[r];
    for (let c = 0; c < texts[r].length; c += 1) {
      const column = columns[left + c];
      if (!column || isReadOnly(column.field)) continue;
      let value;
      try {
        value = parse(texts[r][c], column.field);
      } catch (error) {
        return { problem: `Row ${position + 1}: ${error.message} Nothing was pasted.` };
      }
      const id = records[position].id;
      if (!changes.has(id)) changes.set(id, {});
      changes.get(id)[column.field.key] = value;
    }
  }
  return { changes: [...changes].map(([id, fields]) => ({ id, fields })) };
}
