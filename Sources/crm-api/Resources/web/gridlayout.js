// What the grid shows, computed from its records without touching the page: the rows of a
// grouped view, the sums in the footer, the selected block.
import { kind } from "./cells.js";

/**
 * The rows on screen of a view grouped by `fields`: a header wherever a group starts (records
 * come group by group from the server), then the group's records unless it or a group around
 * it is in `collapsed` (paths of headers). Counts, and sums of the `numeric` field keys, are of
 * the records given. `display` holds headers and record positions in screen order; `displayOf`
 * maps a shown record's position to its row on screen.
 */
export function groupRows(records, fields, numeric, collapsed) {
  const display = [], displayOf = new Map(), open = [];
  let previous = null;
  records.forEach((record, index) => {
    const values = fields.map((field) => record.fields[field.key] ?? (kind(field) === "checkbox" ? false : null));
    const keys = values.map((value) => JSON.stringify(value));
    let level = 0;
    if (previous) while (level < keys.length && keys[level] === previous[level]) level += 1;
    for (let depth = level; depth < keys.length; depth += 1) {
      const path = keys.slice(0, depth + 1).join("\u0001");
      const shown = !open.slice(0, depth).some((header) => header.hidden);
      const header = { level: depth, field: fields[depth], value: values[depth], path, count: 0, sums: new Map(),
        collapsed: collapsed.has(path), hidden: !shown || collapsed.has(path) };
      open[depth] = header;
      open.length = depth + 1;
      if (shown) display.push(header);
    }
    for (const header of open) {
      header.count += 1;
      for (const key of numeric) {
        const value = record.fields[key];
        if (typeof value === "number" && Number.isFinite(value)) header.sums.set(key, (header.sums.get(key) || 0) + value);
      }
    }
    previous = keys;
    if (!open.some((header) => header.hidden)) {
      displayOf.set(index, display.length);
      display.push(index);
    }
  });
  return { display, displayOf };
}

/** Per field key, the sum of its finite numbers and how many records have one. */
export function columnSums(records, keys) {
  const sums = new Map();
  for (const key of keys) {
    let sum = 0, filled = 0;
    for (const record of records) {
      const value = record.fields[key];
      if (typeof value === "number" && Number.isFinite(value)) { sum += value; filled += 1; }
    }
    sums.set(key, { sum, filled });
  }
  return sums;
}

/**
 * The nearest record shown from position `row` of `count`, looking in `direction` first; `row`
 * itself when nothing is hidden (`displayOf` null) or nothing nearer is shown.
 */
export function nearestShown(row, direction, displayOf, count) {
  if (!displayOf || displayOf.has(row)) return row;
  for (const step of [direction, -direction]) {
    for (let at = row + step; at >= 0 && at < count; at += step) if (displayOf.has(at)) return at;
  }
  return row;
}

/** The block from the selection's `anchor` to the `active` cell, as rows and columns. */
export function selectionOf(anchor, active) {
  return {
    top: Math.min(anchor.row, active.row), bottom: Math.max(anchor.row, active.row),
    left: Math.min(anchor.col, active.col), right: Math.max(anchor.col, active.col),
  };
}
