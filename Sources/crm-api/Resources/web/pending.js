// Edits not yet confirmed by the server, kept in localStorage so a closed tab or a network
// blip loses nothing; they are shown as pending and sent again.
const KEY = "crm.pending.v1";

function read() {
  try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch { return []; }
}

function write(entries) {
  try { localStorage.setItem(KEY, JSON.stringify(entries)); } catch { /* storage full or disabled: the edit still goes out */ }
}

export const Pending = {
  add(table, id, key, value, expectedVersion) {
    const entries = read().filter((entry) => !(entry.table === table && entry.id === id && entry.key === key));
    entries.push({ table, id, key, value, expected_version: expectedVersion, at: Date.now() });
    write(entries);
  },
  remove(table, id, key) {
    write(read().filter((entry) => !(entry.table === table && entry.id === id && entry.key === key)));
  },
  forTable(table) { return read().filter((entry) => entry.table === table); },
  has(table, id, key) { return read().some((entry) => entry.table === table && entry.id === id && entry.key === key); },
};
