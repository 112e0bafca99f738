// The grid's rows as page elements: the header, a record's row, a group's header row, the
// footer of sums. Each builder reads from the grid only what it draws: `columns` (field and
// width), `frozen` and `frozenLeft(index)`, `rowHeight`, `active` and `selection`,
// `cellText(record, field)`, `loading`, and for the header and group rows the grid's handlers
// (`startResize`, `editField`, `moveColumn`, `toggleGroup`).
import { el } from "./api.js";
import { display, isNumeric, isReadOnly, kind, stars } from "./cells.js";
import { chips } from "./choices.js";

/** The width of the row-number column. */
export const NUMBER_WIDTH = 56;

/** A cell's place among frozen columns: its class and where it sticks. */
function frozenCell(grid, col, classes = "cell") {
  const frozen = col < grid.frozen;
  return { class: frozen ? `${classes} frozen` : classes, style: frozen ? `left:${grid.frozenLeft(col)}px` : null };
}

/** The header: row-number corner, then each column's label, field menu and resize handle. */
export function headerCells(grid) {
  const cells = [el("div", { class: "cell rownum frozen", role: "columnheader", style: "left:0" }, "#")];
  grid.columns.forEach((column, index) => {
    const handle = el("span", { class: "resize", "aria-hidden": "true" });
    handle.addEventListener("pointerdown", (event) => grid.startResize(event, index));
    const cell = el("div", {
      ...frozenCell(grid, index), role: "columnheader", draggable: "true", title: column.field.label, dataset: { col: index },
    }, el("span", { class: "label" }, column.field.label),
    el("button", { type: "button", class: "field-menu", "aria-label": `Edit field ${column.field.label}`,
      onclick: (event) => { event.stopPropagation(); grid.editField(column.field); } }, "▾"), handle);
    cell.addEventListener("dragstart", (event) => { event.dataTransfer.setData("text/plain", String(index)); });
    cell.addEventListener("dragover", (event) => event.preventDefault());
    cell.addEventListener("drop", (event) => {
      event.preventDefault();
      grid.moveColumn(Number(event.dataTransfer.getData("text/plain")), index);
    });
    cells.push(cell);
  });
  return cells;
}

/**
 * A small link that opens a web address, writes to an email address in the user's own mail
 * program, or calls a number; its mark is drawn by CSS so the cell's text stays the value.
 */
function cellLink(value, field) {
  if (typeof value !== "string" || !value) return null;
  const type = kind(field);
  const href = type === "url" && /^https?:\/\//i.test(value) ? value
    : type === "email" && /^[^\s@]+@[^\s@]+$/.test(value) ? `mailto:${value}`
      : type === "phone" ? `tel:${value.replace(/[^0-9+]/g, "")}` : null;
  if (!href) return null;
  return el("a", {
    href, class: "cell-link", target: type === "url" ? "_blank" : null, rel: "noopener noreferrer",
    "aria-label": type === "url" ? `Open ${value}` : type === "email" ? `Write to ${value}` : `Call ${value}`,
    onmousedown: (event) => event.stopPropagation(),
  });
}

/** What a cell holds: chips for selects, stars for ratings, else its text. */
function cellContent(record, field, text) {
  const value = record.fields[field.key];
  if (["single_select", "multi_select"].includes(kind(field))) return chips(value, field);
  if (field.type === "rating") return stars(value, field);
  return text;
}

/**
 * The row of the record at `position`, drawn at row `at` on screen; `pending` holds the
 * "id:key" of cells whose edits the server has not confirmed yet.
 */
export function recordRow(grid, record, position, template, at, pending) {
  const block = grid.selection;
  const isBlock = block.top !== block.bottom || block.left !== block.right;
  const cells = [el("div", { class: "cell rownum frozen", role: "rowheader", style: "left:0" }, String(position + 1))];
  grid.columns.forEach((column, col) => {
    const field = column.field;
    const active = grid.active.row === position && grid.active.col === col;
    const classes = ["cell", `type-${kind(field)}`];
    if (isNumeric(field)) classes.push("numeric");
    if (active) classes.push("active");
    if (isBlock && position >= block.top && position <= block.bottom && col >= block.left && col <= block.right) classes.push("selected");
    if (pending.has(`${record.id}:${field.key}`)) classes.push("pending");
    if (record.errors && record.errors[field.key]) classes.push("error");
    const text = grid.cellText(record, field);
    cells.push(el("div", {
      ...frozenCell(grid, col, classes.join(" ")), role: "gridcell", "aria-colindex": col + 2,
      "aria-selected": active ? "true" : "false",
      "aria-readonly": isReadOnly(field) ? "true" : null,
      title: record.errors?.[field.key] || (text.length > 20 ? text : null),
      dataset: { row: position, col },
    }, cellContent(record, field, text),
    cellLink(record.fields[field.key], field)));
  });
  return el("div", {
    class: "grid-row", role: "row", "aria-rowindex": at + 2, dataset: { id: record.id },
    style: `transform:translateY(${at * grid.rowHeight}px);grid-template-columns:${template}`,
  }, cells);
}

/** A group's header row (see gridlayout.js): a toggle, the group's value and count, its sums. */
export function groupHeaderRow(grid, header, template, at) {
  const label = header.value === null || header.value === "" || (Array.isArray(header.value) && !header.value.length)
    ? "(empty)" : grid.cellText({ fields: { [header.field.key]: header.value } }, header.field);
  const title = `${header.field.label}: ${label}`;
  const cells = [el("div", { class: "cell rownum frozen", style: "left:0" },
    el("button", {
      type: "button", class: "group-toggle", "aria-expanded": header.collapsed ? "false" : "true",
      "aria-label": `${header.collapsed ? "Expand" : "Collapse"} ${title}`, onclick: () => grid.toggleGroup(header.path),
    }, header.collapsed ? "▸" : "▾"))];
  grid.columns.forEach((column, col) => {
    let content = "";
    if (col === 0) {
      content = [el("span", { class: "group-label" }, title),
        el("span", { class: "group-count" }, ` ${header.count.toLocaleString()} record${header.count === 1 ? "" : "s"}${grid.loading ? "…" : ""}`)];
    } else if (header.sums.has(column.field.key)) {
      content = `Sum ${display(header.sums.get(column.field.key), column.field)}`;
    }
    cells.push(el("div", { ...frozenCell(grid, col), title: typeof content === "string" && content ? content : null }, content));
  });
  return el("div", {
    class: `grid-row group-row level-${header.level}`, role: "row", "aria-rowindex": at + 2, "aria-level": header.level + 1,
    dataset: { group: header.path },
    style: `transform:translateY(${at * grid.rowHeight}px);grid-template-columns:${template}`,
  }, cells);
}

/** The footer: how many records are loaded, and sum, average and count filled per number column. */
export function footerCells(grid, loaded, total, sums) {
  const cells = [el("div", { class: "cell rownum frozen", style: "left:0" }, "")];
  grid.columns.forEach((column, col) => {
    let text = "";
    if (col === 0) {
      text = grid.loading && total ? `${loaded.toLocaleString()} of ${total.toLocaleString()} loaded…`
        : `${loaded.toLocaleString()} record${loaded === 1 ? "" : "s"}`;
    } else if (isNumeric(column.field)) {
      const { sum, filled } = sums.get(column.field.key);
      text = filled ? `Sum ${display(sum, column.field)} · Avg ${display(sum / filled, column.field)} · ${filled.toLocaleString()} filled` : "";
    }
    cells.push(el("div", { ...frozenCell(grid, col), title: text }, text));
  });
  return cells;
}

/** Puts the rows in `body` in order, moving as few as it can (kept rows stay where they are). */
export function placeRows(body, rows) {
  const wanted = new Set(rows);
  for (const child of [...body.children]) if (!wanted.has(child)) child.remove();
  let current = body.firstChild;
  for (const row of rows) {
    if (row === current) current = current.nextSibling;
    else body.insertBefore(row, current);
  }
}
