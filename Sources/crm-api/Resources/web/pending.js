// Edits not yet confirmed by the server, kept in localStorage so a closed tab or a network
// blip loses nothing; they are shown as pending and sent again. Each is kept for the user who
// typed it: someone else signing in on the same browser neither sees nor sends it.
const KEY = "crm.pending.v1";

function read() {
  try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch { return []; }
}

function write(entries) {
  try { localStorage.setItem(KEY, JSON.stringify(entries)); } catch { /* storage full or disabled: the edit still goes out */ }
}

const matches = (entry, table, id, key) => entry.table === table && entry.id === id && entry.key === key
  && (entry.user === undefined || entry.user === Pending.user);

export const Pending = {
  /** The signed-in user's id, set when the app shell opens. */
  user: null,
  add(table, id, key, value, expectedVersion) {
    const entries = read().filter((entry) => !matches(entry, table, id, key));
    entries.push({ table, id, key, value, expected_version: expectedVersion, user: Pending.user, at: Date.now() });
    write(entries);
  },
  remove(table, id, key) {
    write(read().filter((entry) => !matches(entry, table, id, key)));
  },
  forTable(table) { return read().filter((entry) => matches(entry, table, entry.id, entry.key)); },
};
