// The four record tables as the app names them, and how records are named on screen.
import { api } from "./api.js";

export const TABLES = [["investors", "Investors"], ["contacts", "Contacts"], ["funds", "Funds"], ["commitments", "Commitments"]];

const LABELS = Object.fromEntries(TABLES);

/** A table's name on screen ("Investors"); unknown keys as they are. */
export function tableLabel(key) { return LABELS[key] || key; }

export function isRecordTable(key) { return Object.hasOwn(LABELS, key); }

/** What a record is called in links and the feed: its name, else its number. */
export function recordName(record) { return record.fields.name || `#${record.id}`; }

/**
 * Names of a table's records by id, asked 200 at a time. An id asked for but not returned
 * (archived or gone) maps to its number; the ids of a batch that failed are left out, to be
 * asked again.
 */
export async function recordNames(table, ids) {
  const names = new Map();
  const list = [...ids];
  for (let start = 0; start < list.length; start += 200) {
    const chunk = list.slice(start, start + 200);
    try {
      const { records } = await api("GET", `/api/tables/${table}/records?ids=${chunk.join(",")}`);
      for (const id of chunk) names.set(id, `#${id}`);
      for (const record of records) names.set(record.id, recordName(record));
    } catch {
      // Left out: the caller asks again later or shows the number.
    }
  }
  return names;
}
