// The grid's keys, as spreadsheets and Airtable have them: what a key press asks for, decided
// from the key and where the grid is, without touching the page. The grid carries it out.
import { kind } from "./cells.js";

const MOVES = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };

/**
 * What `event` (a keydown: `key`, `shiftKey`, `ctrlKey`, `metaKey`, `altKey`) asks of a grid in
 * `state`: `rows` and `cols` shown, the `active` cell, its `field`, `pageRows` (rows a page
 * moves), and `editing` (null, or `{ multiline }` while an editor is open). Null when the key is
 * not the grid's (it then does what the browser does). Otherwise one of:
 * - `{ action: "cancel" }`, `{ action: "commit", move: [rows, cols] }` while editing;
 * - `{ action: "activate", row, col, extend }`: move the active cell (Shift extends the selection);
 * - `{ action: "edit", initial? }`: open the editor, with the character typed;
 * - `{ action: "clear" }`: empty the selection; `{ action: "toggle" }`: flip a checkbox;
 * - `{ action: "expand" }`, `{ action: "undo" }`, `{ action: "rate", count }`.
 */
export function keyAction(event, { rows, cols, active, field, pageRows, editing }) {
  if (!rows) return null;
  const mod = event.ctrlKey || event.metaKey;
  if (editing) {
    if (event.key === "Escape") return { action: "cancel" };
    if (event.key === "Enter" && !event.shiftKey && !editing.multiline) return { action: "commit", move: [1, 0] };
    if (event.key === "Tab") return { action: "commit", move: [0, event.shiftKey ? -1 : 1] };
    return null;
  }
  const { row, col } = active;
  const to = (toRow, toCol, extend = false) => ({ action: "activate", row: toRow, col: toCol, extend });
  if (MOVES[event.key]) {
    const [dr, dc] = MOVES[event.key];
    if (mod) return to(dr ? (dr > 0 ? rows - 1 : 0) : row, dc ? (dc > 0 ? cols - 1 : 0) : col, event.shiftKey);
    return to(row + dr, col + dc, event.shiftKey);
  }
  if (event.key === "Tab") return to(row, col + (event.shiftKey ? -1 : 1));
  if (event.key === "PageDown" || event.key === "PageUp") {
    const step = Math.max(1, pageRows - 2);
    return to(row + (event.key === "PageDown" ? step : -step), col);
  }
  if (event.key === "Home" || event.key === "End") {
    const home = event.key === "Home";
    return mod ? to(home ? 0 : rows - 1, home ? 0 : cols - 1) : to(row, home ? 0 : cols - 1);
  }
  if (event.key === "Enter" || event.key === "F2") return { action: "edit" };
  if (event.key === "Delete" || event.key === "Backspace") return { action: "clear" };
  if (event.key === " " && event.shiftKey) return { action: "expand" };
  if (event.key === " " && field && kind(field) === "checkbox") return { action: "toggle" };
  if (mod && event.key.toLowerCase() === "z") return { action: "undo" };
  if (/^[0-9]$/.test(event.key) && !mod && field?.type === "rating") return { action: "rate", count: Number(event.key) };
  if (event.key.length === 1 && !mod && !event.altKey) return { action: "edit", initial: event.key };
  return null;
}
